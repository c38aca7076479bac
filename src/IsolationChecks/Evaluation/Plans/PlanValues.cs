using System.Text.Json;
using System.Text.Json.Nodes;

namespace IsolationChecks.Evaluation.Plans;

/// <summary>
/// A resource's values on one side of a planned change, read through after_unknown: a value known only after apply is
/// never guessed. An id the configuration takes from another planned resource reads as that resource's stand-in id;
/// any other unknown value a mapping reads is recorded (by attribute path) and reads as null, or, in the widest reading,
/// as the most permissive value of its kind (0.0.0.0/0 for a CIDR, every port, every protocol) where there is one.
/// </summary>
internal sealed partial class PlanValues
{
    private readonly JsonObject? _values;
    private readonly JsonNode? _unknown;
    private readonly string _path;
    private readonly PlanReading _reading;

    private PlanValues(JsonObject? values, JsonNode? unknown, string path, PlanReading reading)
    {
        _values = values;
        _unknown = unknown;
        _path = path;
        _reading = reading;
    }

    public static PlanValues Of(JsonObject? values, JsonNode? unknown, PlanReading reading) => new(values, unknown, "", reading);

    public bool Present => _values is not null;

    public string? Text(string attribute) => Scalar(attribute) is { } v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s : null;

    public long? Number(string attribute) => Scalar(attribute) is { } v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<long>()
        : Scalar(attribute) is { } t && t.GetValueKind() == JsonValueKind.String && long.TryParse(t.GetValue<string>(), out var n) ? n : null;

    public bool? Flag(string attribute) => Scalar(attribute) is { } v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    /// <summary>A list (or set) of strings; unknown elements are recorded and left out.</summary>
    public IReadOnlyList<string> Texts(string attribute)
    {
        if (Unknown(attribute) is true)
        {
            if (_path.Length == 0 && _reading.StandIns(attribute) is { } standIns)
                return standIns;
            if (Output(attribute))
                return [];
            _reading.Unknown(Name(attribute));
            return _reading.Widest && Widest(attribute) is { } all ? [all] : [];
        }

        if (_values?[attribute] is not JsonArray items)
            return [];
        var marks = _unknown?[attribute] as JsonArray;
        var texts = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            if (marks is not null && i < marks.Count && marks[i] is JsonValue mark && mark.GetValueKind() == JsonValueKind.True)
            {
                _reading.Unknown($"{Name(attribute)}[{i}]");
                if (_reading.Widest && Widest(attribute) is { } widest)
                    texts.Add(widest);
            }
            else if (items[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                texts.Add(value.GetValue<string>());
        }

        return texts;
    }

    /// <summary>Nested blocks (a list of objects, or a single object), each read the same way.</summary>
    public IReadOnlyList<PlanValues> Blocks(string attribute)
    {
        if (Unknown(attribute) is true)
        {
            if (!Output(attribute))
                _reading.Unknown(Name(attribute));
            return [];
        }

        var marks = _unknown?[attribute];
        return _values?[attribute] switch
        {
            JsonArray items => items.Select((item, i) => (item, i)).Where(p => p.item is JsonObject)
                .Select(p => new PlanValues((JsonObject)p.item!, (marks as JsonArray) is { } m && p.i < m.Count ? m[p.i] : null, $"{Name(attribute)}[{p.i}]", _reading)).ToList(),
            JsonObject single => [new PlanValues(single, marks, Name(attribute), _reading)],
            _ => [],
        };
    }

    /// <summary>The first nested block, or an empty reading.</summary>
    public PlanValues Block(string attribute) => Blocks(attribute).FirstOrDefault() ?? new PlanValues(null, null, Name(attribute), _reading);

    /// <summary>The raw JSON of an attribute (a policy document as a string), or null when unknown or absent.</summary>
    public JsonNode? Raw(string attribute) => Unknown(attribute) is true ? Record(attribute) : _values?[attribute];

    private JsonValue? Scalar(string attribute)
    {
        if (Unknown(attribute) is true)
        {
            if (_reading.StandIn(_path.Length == 0 ? attribute : $"{BlockIndex().Replace(_path, "")}.{attribute}") is { } standIn)
                return JsonValue.Create(standIn);
            if (Output(attribute))
                return null;
            Record(attribute);
            return _reading.Widest && Widest(attribute) is { } widest
                ? widest is "0" or "65535" ? JsonValue.Create(long.Parse(widest, System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(widest)
                : null;
        }

        return _values?[attribute] as JsonValue;
    }

    /// <summary>The most permissive value an attribute of this kind can take, or null when it has none (an id, a policy).</summary>
    public static string? Widest(string attribute)
    {
        var name = attribute[(attribute.LastIndexOf('.') + 1)..];
        return name switch
        {
            _ when name.Contains("ipv6", StringComparison.Ordinal) && name.Contains("cidr", StringComparison.Ordinal) => "::/0",
            _ when name.Contains("cidr", StringComparison.Ordinal) => "0.0.0.0/0",
            "from_port" => "0",
            "to_port" => "65535",
            "protocol" or "ip_protocol" => "-1",
            _ => null,
        };
    }

    /// <summary>
    /// A created resource's own id and ARN (the mapping uses its stand-in id instead), and what the configuration does not set
    /// (a computed output, or a block such as a new security group's ingress that AWS creates empty): no value a verdict rests on.
    /// </summary>
    private bool Output(string attribute) => _path.Length == 0 && (attribute is "id" or "arn" || !_reading.MayBeConfigured(attribute));

    private JsonNode? Record(string attribute)
    {
        _reading.Unknown(Name(attribute));
        return null;
    }

    private bool? Unknown(string attribute) =>
        _unknown is JsonObject marks && marks[attribute] is JsonValue mark && mark.GetValueKind() == JsonValueKind.True ? true
        : _unknown is JsonValue all && all.GetValueKind() == JsonValueKind.True ? true
        : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"\[\d+\]")]
    private static partial System.Text.RegularExpressions.Regex BlockIndex();

    private string Name(string attribute) => _path.Length == 0 ? attribute : $"{_path}.{attribute}";
}

/// <summary>What reading one change found: the attributes known only after apply it needed, and the stand-in ids of planned resources.</summary>
/// <param name="Widest">Unknown values read as the most permissive value of their kind, where there is one.</param>
internal sealed class PlanReading(PlannedChange change, IReadOnlyDictionary<string, string> standIns, PlanReferences references, bool widest)
{
    public bool Widest => widest;

    private readonly List<string> _unknown = [];

    public IReadOnlyList<string> UnknownAttributes => _unknown.Distinct(StringComparer.Ordinal).ToList();

    public void Unknown(string attribute) => _unknown.Add(attribute);

    public bool MayBeConfigured(string attribute) => change.MayBeConfigured(attribute);

    /// <summary>
    /// The stand-in id of the planned resource whose id an attribute's expression takes (aws_nat_gateway.tmp.id), if any. Only
    /// a reference to the id itself counts: aws_vpc.main.default_route_table_id also lists aws_vpc.main, and is not its id.
    /// </summary>
    public string? StandIn(string attribute) => StandIns(attribute) is [var id] ? id : null;

    /// <summary>
    /// The stand-in ids of a list whose expression takes nothing but planned resources' ids ([aws_subnet.a.id, aws_subnet.b.id]);
    /// null when it references anything else (a variable, another attribute, a resource without a stand-in).
    /// </summary>
    public IReadOnlyList<string>? StandIns(string attribute)
    {
        if (change.References is null || !change.References.TryGetValue(attribute, out var named) || named.Count == 0)
            return null;
        // Terraform lists a reference to an instance (aws_nat_gateway.npm[1].id) with the instance and the resource that holds it.
        var resolved = named.Where(r => !named.Any(o => o.StartsWith(r + "[", StringComparison.Ordinal))).Select(r => references.Resolve(change, r)).ToList();
        if (resolved.Any(r => r is null || !standIns.ContainsKey(r.Address) || !(r.Attribute is "" || IsId(r))))
            return null;
        var ids = resolved.Where(r => IsId(r!)).Select(r => r!.Address).Distinct(StringComparer.Ordinal).ToList();
        return ids.Count > 0 && resolved.All(r => ids.Contains(r!.Address)) ? ids.Select(a => standIns[a]).ToList() : null;
    }

    /// <summary>A reference to the id itself, or to the ARN of a resource whose id is its ARN (an IAM policy's stand-in is its ARN).</summary>
    private bool IsId(PlanReference reference) =>
        reference.Attribute == "id" || reference.Attribute == "arn" && standIns[reference.Address].StartsWith("arn:", StringComparison.Ordinal);
}
