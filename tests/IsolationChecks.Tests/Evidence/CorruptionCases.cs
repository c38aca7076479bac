using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Evidence;

/// <summary>One corruption of one evidence file of the reference snapshot.</summary>
/// <param name="File">The snapshot file (relative to the snapshot root).</param>
/// <param name="What">"truncated", "$.Subnets[0].CidrBlock removed", "$.Subnets[0].CidrBlock of the wrong type".</param>
/// <param name="JsonPath">The path the reader must name in the gap ("$" for a truncated file).</param>
public sealed record Corruption(string File, string What, string JsonPath, Func<byte[], byte[]> Apply)
{
    public override string ToString() => $"{File}: {What}";
}

/// <summary>
/// Generates the corruptions from the declarations, not by hand: for every evidence file of a snapshot, a truncation;
/// for every declared member the file holds (each member of each shape, at its first occurrence), its removal when it is
/// required and a value of the wrong JSON type in any case. A new call, shape or member is covered without new test code.
/// </summary>
public static class CorruptionCases
{
    /// <summary>The declared shape of a snapshot file and whether its members are camelCase, or null when it is not evidence.</summary>
    public static (Type Shape, bool CamelCase)? ShapeOf(string snapshotRelativePath)
    {
        if (ProbeDocuments.All.FirstOrDefault(p => p.Path == snapshotRelativePath) is { } probe)
            return (probe.Shape, true);
        var scopeRelative = snapshotRelativePath.StartsWith(SnapshotLayout.AccountsFolder + "/", StringComparison.Ordinal)
            ? string.Join('/', snapshotRelativePath.Split('/').Skip(3))
            : snapshotRelativePath;
        var call = AwsCalls.All.FirstOrDefault(c => c.ItemOf(scopeRelative) is not null);
        return call is null ? null : (call.Shape, call.Service.CamelCaseMembers);
    }

    public static IEnumerable<Corruption> For(SnapshotFiles files)
    {
        foreach (var (path, bytes) in files.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (ShapeOf(path) is not var (shape, camelCase))
                continue;
            yield return new Corruption(path, "truncated", "$", b => b[..(b.Length / 2)]);
            var root = JsonNode.Parse(bytes)!;
            if (root["Error"] is not null)
                continue; // a confirmed absence ({"Error":{"Code":...}}) has no members to corrupt but its truncation
            foreach (var corruption in Members(path, root, shape, camelCase, "", new HashSet<(Type, string)>()))
                yield return corruption;
        }
    }

    private static IEnumerable<Corruption> Members(string file, JsonNode node, Type shape, bool camelCase, string pointer, HashSet<(Type, string)> seen)
    {
        if (node is not JsonObject obj)
            yield break;
        foreach (var member in ShapeMember.Of(shape, camelCase))
        {
            if (!obj.TryGetPropertyValue(member.JsonName, out var value) || value is null)
                continue;
            var at = $"{pointer}/{member.JsonName}";
            if (seen.Add((shape, member.JsonName)))
            {
                if (member.Required)
                    yield return new Corruption(file, $"{JsonPath(at)} removed", JsonPath(pointer), b => Edit(b, at, remove: true, replacement: null));
                var wrong = WrongTypeFor(value);
                yield return new Corruption(file, $"{JsonPath(at)} of the wrong type ({value.GetValueKind()} -> {wrong.GetValueKind()})", JsonPath(at),
                    b => Edit(b, at, remove: false, replacement: wrong.DeepClone()));
            }

            if (member.Element is not { } element)
                continue;
            if (value is JsonArray list)
            {
                for (var i = 0; i < list.Count; i++)
                    foreach (var corruption in Members(file, list[i]!, element, camelCase, $"{at}/{i}", seen))
                        yield return corruption;
            }
            else
            {
                foreach (var corruption in Members(file, value, element, camelCase, at, seen))
                    yield return corruption;
            }
        }
    }

    /// <summary>A value of another JSON kind than the one the document holds.</summary>
    private static JsonNode WrongTypeFor(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => JsonValue.Create(42),
        JsonValueKind.Number => JsonValue.Create("42"),
        JsonValueKind.True or JsonValueKind.False => JsonValue.Create("yes"),
        JsonValueKind.Array => new JsonObject { ["unexpected"] = "an object where a list belongs" },
        _ => new JsonArray(JsonValue.Create("a list where an object belongs")),
    };

    private static byte[] Edit(byte[] bytes, string pointer, bool remove, JsonNode? replacement)
    {
        var root = JsonNode.Parse(bytes)!;
        var tokens = pointer.Split('/').Skip(1).ToList();
        var parent = tokens.SkipLast(1).Aggregate(root, (node, token) => node is JsonArray array ? array[int.Parse(token)]! : node[token]!);
        var last = tokens[^1];
        if (remove)
            parent.AsObject().Remove(last);
        else
            parent[last] = replacement;
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    /// <summary>"/Subnets/0/CidrBlock" as the reader names it: "$.Subnets[0].CidrBlock".</summary>
    private static string JsonPath(string pointer) =>
        "$" + string.Concat(pointer.Split('/').Skip(1).Select(t => int.TryParse(t, out _) ? $"[{t}]" : $".{t}"));
}
