using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Ec2;

/// <summary>
/// Converts AWSSDK.EC2 model objects into the JSON the AWS CLI prints: wire member names (the .NET SDK
/// renames a few), enum-like constants as strings, ISO-8601 timestamps, unset members omitted.
/// </summary>
internal sealed class SdkModelToCliJson
{
    /// <summary>.NET property name -> wire member name, where the SDK customised the name.</summary>
    private static readonly IReadOnlyDictionary<(string Type, string Property), string> WireNames =
        new Dictionary<(string, string), string>
        {
            [("IpPermission", "Ipv4Ranges")] = "IpRanges",
        };

    private readonly ConcurrentDictionary<Type, IReadOnlyList<(PropertyInfo Property, string Name)>> _members = new();

    public JsonArray ConvertList(IEnumerable? items)
    {
        var array = new JsonArray();
        if (items is null)
            return array;
        foreach (var item in items)
            array.Add(Convert(item));
        return array;
    }

    public JsonNode? Convert(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        ConstantClass constant => JsonValue.Create(constant.Value),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        DateTime t => JsonValue.Create(CliJson.Timestamp(t)),
        IDictionary dictionary => ConvertDictionary(dictionary),
        IEnumerable list => ConvertList(list),
        _ => ConvertObject(value),
    };

    private JsonObject ConvertDictionary(IDictionary dictionary)
    {
        var obj = new JsonObject();
        foreach (DictionaryEntry entry in dictionary)
            obj[System.Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture)!] = Convert(entry.Value);
        return obj;
    }

    private JsonObject ConvertObject(object value)
    {
        var obj = new JsonObject();
        foreach (var (property, name) in MembersOf(value.GetType()))
        {
            var member = property.GetValue(value);
            if (member is not null)
                obj[name] = Convert(member);
        }

        return obj;
    }

    private IReadOnlyList<(PropertyInfo Property, string Name)> MembersOf(Type type) =>
        _members.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead && p.GetCustomAttribute<ObsoleteAttribute>() is null)
            .OrderBy(p => p.MetadataToken)
            .Select(p => (p, WireNames.GetValueOrDefault((t.Name, p.Name), p.Name)))
            .ToList());
}
