using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Support;

/// <summary>The reference snapshot with edits made in code, for hand-worked cases that need no fixture folder.</summary>
public sealed class ReferenceVariant
{
    public const string Dev = "accounts/111111111111/ap-northeast-1/";

    public const string Prd = "accounts/222222222222/ap-northeast-1/";

    private readonly Dictionary<string, byte[]> _files;

    private ReferenceVariant(Dictionary<string, byte[]> files) => _files = files;

    public static ReferenceVariant Load()
    {
        var files = SnapshotFolder.ReadAsync(RepositoryPaths.Reference, CancellationToken.None).GetAwaiter().GetResult();
        return new ReferenceVariant(new Dictionary<string, byte[]>(files.Files, StringComparer.Ordinal));
    }

    /// <summary>Edits one JSON file of the snapshot (path relative to the snapshot root).</summary>
    public ReferenceVariant Edit(string path, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(_files[path])!;
        edit(node);
        _files[path] = System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
        return this;
    }

    public ReferenceVariant Put(string path, string json)
    {
        _files[path] = System.Text.Encoding.UTF8.GetBytes(json);
        return this;
    }

    public ReferenceVariant Delete(string path)
    {
        _files.Remove(path);
        return this;
    }

    public EvaluationContext Context()
    {
        var files = new SnapshotFiles("reference-variant", _files, null);
        var posture = PostureLoader.Parse(_files["posture.json"], "posture.json");
        return new EvaluationContext(SnapshotReader.Read(files), posture, TimeProvider.System);
    }

    public IReadOnlyList<Finding> Evaluate<TControl>() where TControl : IControl, new() => Support.Evaluate.With<TControl>(Context());
}
