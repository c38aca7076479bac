using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IsolationChecks.Collection;
using IsolationChecks.Evaluation.Drift;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Evaluation.Plans;

/// <summary>A planned change the overlay applied: the evidence it edited and the controls that read that evidence.</summary>
/// <param name="Names">The ids and names the change concerns (its own, the stand-in, those it references), to attribute verdicts.</param>
public sealed record PlacedChange(string Address, string Type, IReadOnlyList<string> Actions, IReadOnlyList<string> Files, IReadOnlyList<string> Controls, IReadOnlyList<string> Names);

/// <summary>A value known only after apply that the overlay needed, and the controls reading the evidence it lands in.</summary>
/// <param name="Bounded">The value has a most permissive form (a CIDR, a port, a protocol): a verdict that is the same with the
/// value left out and with its widest form does not depend on it.</param>
/// <param name="Why">Why the value cannot be known before apply when it is not a plain unknown (it comes from a resource that cannot be placed).</param>
public sealed record UnknownValue(string Address, string Attribute, IReadOnlyList<string> Controls, bool Bounded, string? Why = null)
{
    public string Describe() => Why is null ? $"{Address}: {Attribute} is known only after apply" : $"{Address}: {Attribute} cannot be known before apply ({Why})";
}

/// <summary>A planned change the suite cannot judge (a type it does not map, or one it cannot place) that touches audited evidence.</summary>
public sealed record UnjudgedChange(string Address, string Type, IReadOnlyList<string> Actions, string Reason)
{
    public string Describe() => $"{Address} ({string.Join("+", Actions)}): {Reason}";
}

/// <summary>
/// A Terraform plan laid over a snapshot, in memory: the snapshot's files as the plan would leave them (in the AWS CLI shapes
/// the reader already reads), what each change edited, the values known only after apply, and the changes the suite cannot
/// judge. The snapshot on disk is never written.
/// </summary>
/// <param name="StandIns">Per created resource address, the id it stands under until apply.</param>
/// <param name="NotInScope">Changes that touch nothing in the audited evidence (other accounts, resources the suite does not judge).</param>
public sealed partial record PlanOverlay(
    SnapshotFiles Files,
    IReadOnlyList<PlacedChange> Placed,
    IReadOnlyList<UnknownValue> Unknowns,
    IReadOnlyList<UnjudgedChange> Unjudged,
    IReadOnlyList<string> NotInScope,
    IReadOnlyDictionary<string, string> StandIns)
{
    /// <summary>The Terraform resource types the overlay maps, in catalog order.</summary>
    public static IReadOnlyList<string> MappedTypes => PlanMappings.All.Select(m => m.Type).ToList();

    /// <param name="widest">Read values known only after apply as their most permissive form instead of leaving them out.</param>
    public static PlanOverlay Build(SnapshotFiles snapshot, TerraformPlan plan, bool widest = false)
    {
        var docs = new OverlayDocuments(snapshot);
        var inScope = IdentifiersOf(snapshot);
        var references = new PlanReferences(plan.Changes);
        var accounts = new PlanAccounts(plan, references, docs);
        var standIns = plan.Changes.Where(c => c.Creates)
            .Select(c => (c.Address, Id: PlanMappings.For(c.Type) switch
            {
                { IdPrefix: { } prefix } => StandInId(prefix, c.Address),
                { ArnOf: { } arn } => arn(c, accounts),
                _ => null,
            }))
            .Where(s => s.Id is not null)
            .ToDictionary(s => s.Address, s => s.Id!, StringComparer.Ordinal);
        var placed = new List<PlacedChange>();
        var unknowns = new List<UnknownValue>();
        var unjudged = new List<UnjudgedChange>();
        var outside = new List<string>();
        // Unplaced for a reason the report names (a new VPC whose account the plan does not give): what rests on them is not judged either.
        var unplaced = new Dictionary<string, Unplaced>(StringComparer.Ordinal);
        var namesAudited = new HashSet<string>(StringComparer.Ordinal);
        // A created resource is placed before the resources that take its id (Terraform lists changes by address, not by dependency).
        foreach (var change in references.InDependencyOrder(plan.Changes).Where(c => c.ChangesSomething))
        {
            var touches = Touches(change, inScope);
            var resting = references.DependenciesOf(change).Where(unplaced.ContainsKey).ToList();
            // Resting on a change that could not be placed, it cannot be placed either; otherwise it touches nothing audited.
            void NotPlaced()
            {
                if (resting.Count > 0)
                    unplaced[change.Address] = unplaced[resting[0]];
                else
                    outside.Add(change.Address);
            }

            if (PlanMappings.For(change.Type) is not { } mapping)
            {
                if (touches.Count > 0)
                    unjudged.Add(new UnjudgedChange(change.Address, change.Type, change.Actions,
                        $"the suite does not map {change.Type}, and the change names audited resources ({string.Join(", ", touches.Take(5))}): review it by hand, or judge the applied change with the nightly audit"));
                else
                    NotPlaced();
                continue;
            }

            docs.BeginChange();
            var reading = new PlanReading(change, standIns, references, widest);
            var edit = new PlanEdit(change, docs, PlanValues.Of(change.Before, null, reading), PlanValues.Of(change.After, change.AfterUnknown, reading),
                standIns.GetValueOrDefault(change.Address) ?? change.Address, accounts);
            bool applied;
            try
            {
                applied = mapping.Apply(edit);
            }
            catch (UnplaceableChangeException e)
            {
                unplaced[change.Address] = new Unplaced(change.Address, e.Message);
                if (e.NamesAudited)
                    namesAudited.Add(change.Address);
                continue;
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or System.Text.Json.JsonException)
            {
                unjudged.Add(new UnjudgedChange(change.Address, change.Type, change.Actions,
                    $"its values are not in the form the hashicorp/aws provider documents for {change.Type} ({e.Message})"));
                continue;
            }

            if (!applied)
            {
                if (reading.UnknownAttributes.Count > 0)
                    unjudged.Add(new UnjudgedChange(change.Address, change.Type, change.Actions,
                        $"it cannot be placed in the audited evidence before apply: {string.Join(", ", reading.UnknownAttributes)} known only after apply"));
                else
                    NotPlaced();
                continue;
            }

            var files = docs.Touched.Select(t => $"{t.Scope}/{t.File}").Order(StringComparer.Ordinal).ToList();
            var controls = docs.Touched.Select(t => OverlayDocuments.CallOf(t.File)).OfType<Aws.Calls.AwsCall>()
                .SelectMany(ControlsReading.Of).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var names = NamesOf(change).Concat(standIns.TryGetValue(change.Address, out var standIn) ? [standIn] : []).Distinct(StringComparer.Ordinal).ToList();
            placed.Add(new PlacedChange(change.Address, change.Type, change.Actions, files, controls, names));
            unknowns.AddRange(reading.UnknownAttributes.Select(a => new UnknownValue(change.Address, a, controls, PlanValues.Widest(TrimIndex(a)) is not null)));
            // A value another planned resource gets at apply (the public IP of the Elastic IP a new NAT gateway takes) undecides only the controls reading it.
            unknowns.AddRange(docs.Borrowed.Where(b => !unknowns.Any(u => u.Address == b.Address && u.Attribute == b.Attribute && b.Controls.All(u.Controls.Contains)))
                .Select(b => new UnknownValue(b.Address, b.Attribute, b.Controls, Bounded: false)));
            // A placed change that takes a value from an unplaced resource (a route to an attachment of a VPC whose account is not
            // known) is judged with that value not knowable: every verdict reading what it edits is undecided.
            foreach (var (attribute, named) in change.References ?? new Dictionary<string, IReadOnlyList<string>>())
                if (named.Select(r => references.Resolve(change, r)?.Address).FirstOrDefault(a => a is not null && unplaced.ContainsKey(a)) is { } from)
                    unknowns.Add(new UnknownValue(change.Address, attribute, controls, Bounded: false, Why: unplaced[from].Describe()));
        }

        // An unplaced resource is not judged when audited evidence rests on it: a placed change, or an unplaced one naming audited
        // resources, takes a value from it (directly or through other unplaced resources). Otherwise it touches nothing audited.
        var needed = new HashSet<string>(placed.SelectMany(p => references.DependenciesOf(ChangeAt(plan, p.Address)))
            .Concat(unplaced.Keys.Where(a => namesAudited.Contains(a) || Touches(ChangeAt(plan, a), inScope).Count > 0)).Where(unplaced.ContainsKey), StringComparer.Ordinal);
        for (var grew = true; grew;)
            grew = needed.ToList().SelectMany(a => references.DependenciesOf(ChangeAt(plan, a))).Where(unplaced.ContainsKey).Aggregate(false, (any, a) => needed.Add(a) | any);
        foreach (var (address, cause) in unplaced)
            if (needed.Contains(address))
                unjudged.Add(new UnjudgedChange(address, ChangeAt(plan, address).Type, ChangeAt(plan, address).Actions,
                    cause.Root == address ? cause.Reason : $"it rests on {cause.Describe()}"));
            else
                outside.Add(address);

        return new PlanOverlay(docs.Result(), placed, unknowns, unjudged, outside, standIns);
    }

    /// <summary>Why a resource is not placed: the resource the plan does not place (itself, or one it rests on) and the reason.</summary>
    private sealed record Unplaced(string Root, string Reason)
    {
        public string Describe() => $"{Root}, which cannot be placed: {Reason}";
    }

    private static PlannedChange ChangeAt(TerraformPlan plan, string address) => plan.Changes.First(c => c.Address == address);

    private static string TrimIndex(string attribute) => attribute.EndsWith(']') ? attribute[..attribute.LastIndexOf('[')] : attribute;

    /// <summary>An id shaped as AWS shapes its ids (the network model recognises a target by its prefix), derived from the address.</summary>
    private static string StandInId(string prefix, string address) =>
        $"{prefix}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)))[..17]}";

    /// <summary>Every identifier of the audited evidence: AWS ids, ARNs and the account ids they hold.</summary>
    private static HashSet<string> IdentifiersOf(SnapshotFiles snapshot)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, bytes) in snapshot.Files.Where(f => f.Key.StartsWith(SnapshotLayout.AccountsFolder + "/", StringComparison.Ordinal)))
        {
            found.Add(path.Split('/')[1]);
            foreach (Match match in Identifier().Matches(Encoding.UTF8.GetString(bytes)))
                found.Add(match.Groups[1].Value);
        }

        return found;
    }

    /// <summary>The audited identifiers a change's values name: an AWS id, an ARN, or an ARN of an audited account.</summary>
    private static IReadOnlyList<string> Touches(PlannedChange change, HashSet<string> inScope) =>
        Leaves(change.Before).Concat(Leaves(change.After))
            .SelectMany(v => Identifier().Matches($"\"{v}\"").Select(m => m.Groups[1].Value).Append(v))
            .Where(v => inScope.Contains(v) || ArnAccount().Match(v) is { Success: true } arn && inScope.Contains(arn.Groups[1].Value))
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private static readonly string[] NameAttributes = ["name", "user", "users", "group", "groups", "repository"];

    private static IEnumerable<string> NamesOf(PlannedChange change) =>
        Leaves(change.Before).Concat(Leaves(change.After)).Where(v => Identifier().IsMatch($"\"{v}\""))
            .Concat(new[] { change.Before, change.After }.OfType<JsonObject>()
                .SelectMany(o => NameAttributes.Select(a => o[a])).SelectMany(n => n is JsonArray list ? list.ToList() : new List<JsonNode?> { n })
                .OfType<JsonValue>().Where(v => v.GetValueKind() == System.Text.Json.JsonValueKind.String).Select(v => v.GetValue<string>()))
            .Where(v => v.Length > 0);

    private static IEnumerable<string> Leaves(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Leaves(p.Value)),
        JsonArray a => a.SelectMany(Leaves),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };

    [GeneratedRegex("\"((?:[a-z]+(?:-[a-z]+)*-[0-9a-f]{8,17})|arn:aws[a-z-]*:[^\"]+)\"")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^arn:aws[a-z-]*:[^:]*:[^:]*:(\d{12}):")]
    private static partial Regex ArnAccount();
}
