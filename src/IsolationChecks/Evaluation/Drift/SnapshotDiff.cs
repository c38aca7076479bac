using System.Reflection;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Evaluation.Drift;

/// <summary>
/// Drift between two snapshots, a pure function of them (and the posture that says which IAM principals are in scope):
/// every catalogued document of every scope is read as its declared shape in both, and compared member by member.
/// Resources are matched by id (<see cref="DriftIdentities"/>), rules, routes, entries, memberships and statements as
/// sets, settings by value. Each change names the controls that read the evidence (<see cref="ControlsReading"/>).
/// Evidence readable on one side only is listed as not compared, never as "no change".
/// </summary>
public static class SnapshotDiff
{
    /// <summary>Calls whose documents are not configuration: who collected, and IAM's own answers (judged, not configured).</summary>
    private static readonly HashSet<AwsCall> NotConfiguration = [AwsCalls.GetCallerIdentity, AwsCalls.SimulatePrincipalPolicy];

    /// <summary>Listings whose every entry the next call describes in full: a project or task added shows there once, not twice.</summary>
    private static readonly HashSet<AwsCall> Listings = [AwsCalls.ListProjects, AwsCalls.ListTasks];

    public static SnapshotDrift Compare(Snapshot baseline, Snapshot current, PostureDocument? posture)
    {
        var changes = new List<SnapshotChange>();
        var gaps = new List<DriftGap>();
        var principals = posture?.CodeCommit is { } codeCommit
            ? codeCommit.PushPrincipals.Concat(codeCommit.PullPrincipals).ToHashSet(StringComparer.Ordinal)
            : null;
        var scopeKeys = baseline.Scopes.Select(Key).Union(current.Scopes.Select(Key)).Order().ToList();
        foreach (var key in scopeKeys)
        {
            var before = baseline.Scopes.FirstOrDefault(s => Key(s) == key);
            var after = current.Scopes.FirstOrDefault(s => Key(s) == key);
            if (before is null || after is null)
            {
                var scope = (before ?? after)!;
                changes.Add(new SnapshotChange(scope.AccountId, scope.Region, "", "", "scope", $"{scope.AccountId}/{scope.Region}", null,
                    before is null ? ChangeKind.Added : ChangeKind.Removed, null, null, AllControls()));
                continue;
            }

            foreach (var call in AwsCalls.All.Where(c => !NotConfiguration.Contains(c) && !Listings.Contains(c)))
                CompareCall(before, after, call, principals, changes, gaps);
        }

        var scopeText = principals is null
            ? "IAM: every principal of each account (the posture declares no codeCommit push or pull principals)"
            : $"IAM: the posture's push and pull principals ({string.Join(", ", principals.Order(StringComparer.Ordinal))}), their groups and policies";
        return new SnapshotDrift(changes, gaps, scopeText);
    }

    private static string Key(ScopeSnapshot scope) => $"{scope.AccountId}/{scope.Region.ToLowerInvariant()}";

    private static IReadOnlyList<string> AllControls() =>
        AwsCalls.All.SelectMany(ControlsReading.Of).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static void CompareCall(ScopeSnapshot before, ScopeSnapshot after, AwsCall call, HashSet<string>? principals,
        List<SnapshotChange> changes, List<DriftGap> gaps)
    {
        var controls = ControlsReading.Of(call);
        var camel = call.Service.CamelCaseMembers;
        var noun = Noun(call);
        if (!call.IsPerItem)
        {
            var (a, gapA) = Read(before, call, null);
            var (b, gapB) = Read(after, call, null);
            if (gapA is not null || gapB is not null)
            {
                if (gapA is null || gapB is null)
                    gaps.Add(Gap(after, call, null, gapA is not null ? $"baseline: {gapA.Describe()}" : $"current: {gapB!.Describe()}", controls));
                return;
            }

            var projectedA = DeclaredJson.Of(a, camel);
            var projectedB = DeclaredJson.Of(b, camel);
            if (call == AwsCalls.GetAccountAuthorizationDetails && principals is not null)
                (projectedA, projectedB) = IamInScope.Filter(projectedA, projectedB, principals);
            new Walk(after, call, controls, changes).Value(call.Shape, projectedA, projectedB, new Place(noun, after.AccountId, ""));
            return;
        }

        var beforeItems = before.ItemsOf(call).ToHashSet(StringComparer.Ordinal);
        var afterItems = after.ItemsOf(call).ToHashSet(StringComparer.Ordinal);
        foreach (var item in beforeItems.Union(afterItems).Order(StringComparer.Ordinal))
        {
            var (a, gapA) = beforeItems.Contains(item) ? Read(before, call, item) : (null, null);
            var (b, gapB) = afterItems.Contains(item) ? Read(after, call, item) : (null, null);
            if (gapA is not null || gapB is not null)
            {
                if (gapA is null || gapB is null)
                    gaps.Add(Gap(after, call, item, gapA is not null ? $"baseline: {gapA.Describe()}" : $"current: {gapB!.Describe()}", controls));
                continue;
            }

            new Walk(after, call, controls, changes, item).Document(call.Shape, DeclaredJson.Of(a, camel), DeclaredJson.Of(b, camel), new Place(noun, item, ""));
        }
    }

    private static DriftGap Gap(ScopeSnapshot scope, AwsCall call, string? item, string reason, IReadOnlyList<string> controls) =>
        new(scope.AccountId, scope.Region, call.FileFor(item), call.IamAction, reason, controls);

    private static readonly MethodInfo TypedRead = typeof(SnapshotDiff).GetMethod(nameof(ReadAs), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The call's document as its shape (null for one the service confirmed does not exist), or the gap.</summary>
    private static (object? Value, DataGap? Gap) Read(ScopeSnapshot scope, AwsCall call, string? item) =>
        ((object?, DataGap?))TypedRead.MakeGenericMethod(call.Shape).Invoke(null, [scope, call, item])!;

    private static (object? Value, DataGap? Gap) ReadAs<T>(ScopeSnapshot scope, AwsCall call, string? item) where T : class
    {
        if (call.AbsentCodes.Count > 0)
            return scope.ReadOptional<T>(call, item!).Peek(out var optional, out var optionalGap) ? (optional.Value, null) : (null, optionalGap);
        return scope.Read<T>(call, item).Peek(out var value, out var gap) ? (value, null) : (null, gap);
    }

    /// <summary>"GetRepositoryPolicy" as "repository policy", "DescribeSecurityGroups" as "security groups".</summary>
    private static string Noun(AwsCall call)
    {
        var name = call.Operation;
        foreach (var verb in new[] { "Describe", "Get", "List", "BatchGet" })
            if (name.StartsWith(verb, StringComparison.Ordinal) && name.Length > verb.Length && char.IsUpper(name[verb.Length]))
                name = name[verb.Length..];
        return string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 && !char.IsUpper(name[i - 1]) ? $" {char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString()));
    }

    /// <summary>Where in a document a change is: the resource it belongs to and the member path within it.</summary>
    private sealed record Place(string ResourceType, string Resource, string Member)
    {
        public Place Into(string member) => this with { Member = Member.Length == 0 ? member : $"{Member}.{member}" };

        public Place At(string key) => this with { Member = $"{Member}[{key}]" };
    }

    /// <summary>One document's comparison, adding each change it finds.</summary>
    private sealed class Walk(ScopeSnapshot scope, AwsCall call, IReadOnlyList<string> controls, List<SnapshotChange> changes, string? item = null)
    {
        private void Add(Place place, ChangeKind kind, JsonNode? before, JsonNode? after) =>
            changes.Add(new SnapshotChange(scope.AccountId, scope.Region, call.FileFor(item), call.IamAction, place.ResourceType, place.Resource,
                place.Member.Length == 0 ? null : place.Member, kind, Text(before), Text(after), controls));

        /// <summary>A per-item document: present on one side only is the document added or removed.</summary>
        public void Document(Type shape, JsonNode? before, JsonNode? after, Place place)
        {
            if (before is null || after is null)
            {
                if (before is not null || after is not null)
                    Add(place, before is null ? ChangeKind.Added : ChangeKind.Removed, before, after);
                return;
            }

            Value(shape, before, after, place);
        }

        public void Value(Type? type, JsonNode? before, JsonNode? after, Place place)
        {
            if (JsonNode.DeepEquals(Canonical.Sorted(before), Canonical.Sorted(after)))
                return;
            switch (before, after)
            {
                case (JsonObject a, JsonObject b):
                    Object(type, a, b, place);
                    break;
                case (JsonArray a, JsonArray b):
                    List(ElementOf(type), a, b, place);
                    break;
                default:
                    Add(place, ChangeKind.Changed, before, after);
                    break;
            }
        }

        private void Object(Type? type, JsonObject before, JsonObject after, Place place)
        {
            var members = type is not null && ShapeMember.IsShape(type)
                ? ShapeMember.Of(type, call.Service.CamelCaseMembers).Select(m => (m.JsonName, Type: (Type?)MemberType(type, m.JsonName))).ToList()
                : before.Select(p => p.Key).Union(after.Select(p => p.Key)).Select(k => (JsonName: k, Type: (Type?)null)).ToList();
            foreach (var (name, memberType) in members)
                Value(memberType, before[name], after[name], place.Into(name));
        }

        private void List(Type? element, JsonArray before, JsonArray after, Place place)
        {
            if (DriftIdentities.Of(element) is { } identity && Keys(before, identity) is { } keysBefore && Keys(after, identity) is { } keysAfter)
            {
                foreach (var key in keysBefore.Keys.Union(keysAfter.Keys).Order(StringComparer.Ordinal))
                {
                    var a = keysBefore.GetValueOrDefault(key);
                    var b = keysAfter.GetValueOrDefault(key);
                    var inner = identity.IsResource ? new Place(identity.Noun, key, "") : place.At(key);
                    if (a is null || b is null)
                        Add(inner, a is null ? ChangeKind.Added : ChangeKind.Removed, identity.IsResource ? null : a, identity.IsResource ? null : b);
                    else
                        Value(element, a, b, inner);
                }

                return;
            }

            var remaining = after.Select(n => (Node: n, Text: Canonical.Text(n))).ToList();
            foreach (var node in before)
            {
                var text = Canonical.Text(node);
                var match = remaining.FindIndex(r => r.Text == text);
                if (match >= 0)
                    remaining.RemoveAt(match);
                else
                    Add(place, ChangeKind.Removed, node, null);
            }

            foreach (var (node, _) in remaining)
                Add(place, ChangeKind.Added, null, node);
        }

        /// <summary>Elements by key, or null when some element has no key (then the list is compared as a set).</summary>
        private static Dictionary<string, JsonNode>? Keys(JsonArray list, DriftIdentity identity)
        {
            var keyed = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
            foreach (var node in list)
            {
                if (node is not JsonObject element || element[identity.Key] is not JsonValue key || !key.TryGetValue<string>(out var text) || !keyed.TryAdd(text, element))
                    return null;
            }

            return keyed;
        }

        private static Type? MemberType(Type shape, string jsonName)
        {
            var property = shape.GetProperties().FirstOrDefault(p => string.Equals(p.Name, jsonName, StringComparison.OrdinalIgnoreCase));
            return property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        private static Type? ElementOf(Type? list) =>
            list is { IsGenericType: true } && list != typeof(string) ? list.GetGenericArguments()[0] : null;

        private static string? Text(JsonNode? node) => node?.ToJsonString(Canonical.Compact);
    }
}
