using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon.Runtime;
using IsolationChecks.Aws.Pipeline;

namespace IsolationChecks.Aws.Ec2;

/// <summary>
/// Converts AWSSDK.EC2 model objects into the JSON the AWS CLI prints: wire member names (the .NET SDK
/// renames a few), enum-like constants as strings, ISO-8601 timestamps, unset members omitted.
/// The typed objects are walked alongside the wire XML they came from, because the SDK loses two things
/// the CLI prints: the exact text of enum values (it canonicalises "available" to "Available") and
/// empty lists (&lt;tagSet/&gt; becomes null, the CLI prints []).
/// </summary>
internal sealed class SdkModelToCliJson
{
    /// <summary>.NET property name -> wire member name, where the SDK customised the name.</summary>
    private static readonly IReadOnlyDictionary<(string Type, string Property), string> MemberNames =
        new Dictionary<(string, string), string>
        {
            [("IpPermission", "Ipv4Ranges")] = "IpRanges",
            [("PrefixListId", "Id")] = "PrefixListId",
        };

    /// <summary>Wire XML element names that do not follow from the member name.</summary>
    private static readonly IReadOnlyDictionary<(string Type, string Member), string> XmlNames =
        new Dictionary<(string, string), string>
        {
            [("IpPermission", "UserIdGroupPairs")] = "groups",
        };

    private readonly ConcurrentDictionary<Type, IReadOnlyList<Member>> _members = new();

    private sealed record Member(Func<object, object?> Get, string Name, string? XmlName, bool IsList);

    /// <summary>Converts the items of a page; <paramref name="wireList"/> is the page's list element (its &lt;item&gt;s, in order).</summary>
    public JsonArray ConvertList(IEnumerable? items, XElement? wireList)
    {
        var array = new JsonArray();
        if (items is null)
            return array;
        var wireItems = wireList?.Elements().Where(e => e.Name.LocalName == "item").ToList();
        var index = 0;
        foreach (var item in items)
        {
            array.Add(Convert(item, wireItems is not null && index < wireItems.Count ? wireItems[index] : null));
            index++;
        }

        return array;
    }

    public JsonNode? Convert(object? value, XElement? wire) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        ConstantClass constant => JsonValue.Create(wire is { HasElements: false } ? wire.Value : constant.Value),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        DateTime t => JsonValue.Create(CliJson.Timestamp(t)),
        IDictionary dictionary => ConvertDictionary(dictionary),
        IEnumerable list => ConvertList(list, wire),
        _ => ConvertObject(value, wire),
    };

    private JsonObject ConvertDictionary(IDictionary dictionary)
    {
        var obj = new JsonObject();
        foreach (DictionaryEntry entry in dictionary)
            obj[System.Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!] = Convert(entry.Value, null);
        return obj;
    }

    private JsonObject ConvertObject(object value, XElement? wire)
    {
        var obj = new JsonObject();
        var wireChildren = wire?.Elements().ToList() ?? [];
        foreach (var member in MembersOf(value.GetType()))
        {
            var memberValue = member.Get(value);
            var memberWire = wireChildren.FirstOrDefault(e => Matches(e.Name.LocalName, member));
            if (memberValue is not null)
                obj[member.Name] = Convert(memberValue, memberWire);
            else if (member.IsList && memberWire is not null)
                obj[member.Name] = new JsonArray();
        }

        return obj;
    }

    private IReadOnlyList<Member> MembersOf(Type type) =>
        _members.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead && p.GetCustomAttribute<ObsoleteAttribute>() is null)
            .OrderBy(p => p.MetadataToken)
            .Select(p =>
            {
                var name = MemberNames.GetValueOrDefault((t.Name, p.Name), p.Name);
                var isList = p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType)
                    && !typeof(IDictionary).IsAssignableFrom(p.PropertyType);
                return new Member(Getter(p), name, XmlNames.GetValueOrDefault((t.Name, name)), isList);
            })
            .ToList());

    // PropertyInfo.GetValue emits and fully compiles an invocation stub per property from its second call: some 400 of
    // them in one collection at reference size, about a tenth of a fresh process's CPU. A delegate bound to the getter needs none.
    private static readonly MethodInfo TypedGetterOf = typeof(SdkModelToCliJson).GetMethod(nameof(TypedGetter), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static Func<object, object?> Getter(PropertyInfo property) =>
        TypedGetterOf.MakeGenericMethod(property.DeclaringType!, property.PropertyType).CreateDelegate<Func<PropertyInfo, Func<object, object?>>>()(property);

    private static Func<object, object?> TypedGetter<TOwner, TValue>(PropertyInfo property)
    {
        var get = property.GetMethod!.CreateDelegate<Func<TOwner, TValue>>();
        return owner => get((TOwner)owner);
    }

    /// <summary>
    /// EC2's XML names are the member names in lower camel case, lists usually suffixed "Set" and
    /// sometimes singular (Routes: routeSet, Entries: entrySet, NatGatewayAddresses: natGatewayAddressSet).
    /// </summary>
    private static bool Matches(string xmlName, Member member)
    {
        if (member.XmlName is not null)
            return xmlName == member.XmlName;
        // A member named "...Set" (CidrBlockSet) is its own element: its singular sibling (cidrBlock) is another member.
        if (member.Name.EndsWith("Set", StringComparison.Ordinal))
            return string.Equals(xmlName, member.Name, StringComparison.OrdinalIgnoreCase);
        var wire = Base(xmlName);
        var name = Base(member.Name);
        return wire == name
            || wire + "s" == name
            || wire + "es" == name
            || (wire.EndsWith('y') && wire[..^1] + "ies" == name);
    }

    private static string Base(string name)
    {
        var lower = name.ToLowerInvariant();
        return lower.Length > 3 && lower.EndsWith("set", StringComparison.Ordinal) ? lower[..^3] : lower;
    }
}
