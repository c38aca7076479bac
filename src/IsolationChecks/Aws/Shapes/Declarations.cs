namespace IsolationChecks.Aws.Shapes;

// How the shapes declare what the reader must find. A constructor parameter without a default is REQUIRED: a
// document without it (or with a value of another type, or null where the type is not nullable) is a data gap
// naming the file, the JSON path and the expectation, and every verdict resting on that file is inconclusive.
// A parameter with a default is OPTIONAL and must say, with [AbsentMeans], what its absence means according to
// the AWS API reference; a test keeps every optional member declared. Members a control does not read are not
// declared at all (the CLI prints many more; they are ignored).

/// <summary>What it means, according to the AWS API reference, when this optional member is not in the document.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class AbsentMeansAttribute(string meaning) : Attribute
{
    public string Meaning { get; } = meaning;
}

/// <summary>A shape whose members constrain each other (an IPv4 subnet must have its CIDR block).</summary>
public interface IValidatedShape
{
    /// <summary>Null when consistent; else what is wrong, naming the members (the reader reports it as a gap).</summary>
    string? Problem();
}

/// <summary>One declared member of a shape, as the reader checks it and the docs list it.</summary>
/// <param name="JsonName">The member's name in the file.</param>
/// <param name="Type">The CLR type (nullable unwrapped).</param>
/// <param name="Element">The record a list or object member holds, when it is a shape itself (followed by the docs and the corruption tests).</param>
/// <param name="AbsentMeans">Null for a required member; else what absence means.</param>
public sealed record ShapeMember(string JsonName, Type Type, Type? Element, string? AbsentMeans)
{
    public bool Required => AbsentMeans is null;

    /// <summary>The member's JSON type in words: "string", "number", "true or false", "array of Subnet", "object Route".</summary>
    public string TypeText => Type switch
    {
        _ when Type == typeof(string) => "string",
        _ when Type == typeof(bool) => "true or false",
        _ when Type == typeof(int) || Type == typeof(long) || Type == typeof(double) || Type == typeof(decimal) => "number",
        _ when Type == typeof(System.Text.Json.JsonElement) => "JSON document",
        _ when Type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(Type) =>
            $"array of {(Element is null ? ElementText(Type) : Element.Name)}",
        _ => $"object {Type.Name}",
    };

    private static string ElementText(Type list) => list.GetGenericArguments().FirstOrDefault() switch
    {
        { } t when t == typeof(string) => "strings",
        { } t => t.Name,
        null => "values",
    };

    /// <summary>The declared members of a shape, in declaration order; <paramref name="camelCase"/> for services that print camelCase.</summary>
    public static IReadOnlyList<ShapeMember> Of(Type shape, bool camelCase)
    {
        var constructor = shape.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return constructor.GetParameters().Select(p =>
        {
            var type = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
            var element = type.IsGenericType && type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
                ? type.GetGenericArguments()[0]
                : type;
            var absent = p.HasDefaultValue
                ? p.GetCustomAttributes(typeof(AbsentMeansAttribute), false).OfType<AbsentMeansAttribute>().FirstOrDefault()?.Meaning ?? "(undeclared)"
                : null;
            var name = camelCase ? char.ToLowerInvariant(p.Name![0]) + p.Name[1..] : p.Name!;
            return new ShapeMember(name, type, IsShape(element) ? element : null, absent);
        }).ToList();
    }

    /// <summary>Whether a type is a declared shape: a record of the tool's own (AWS shapes, probe records) read member by member.</summary>
    public static bool IsShape(Type type) =>
        type.IsClass && !type.IsAbstract && type != typeof(ShapeMember) && type != typeof(string)
        && type.Namespace?.StartsWith("IsolationChecks", StringComparison.Ordinal) == true
        && type.GetConstructors().Any(c => c.GetParameters().Length > 0);
}
