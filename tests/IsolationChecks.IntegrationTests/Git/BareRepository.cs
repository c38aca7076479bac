using LibGit2Sharp;

namespace IsolationChecks.IntegrationTests.Git;

/// <summary>A bare repository with a main branch and a few commits, built with LibGit2Sharp, and a fingerprint of its state.</summary>
public sealed class BareRepository
{
    private BareRepository(string path) => Path = path;

    public string Path { get; }

    public static BareRepository Create(string reposRoot, string name, int commits = 3)
    {
        var path = System.IO.Path.Combine(reposRoot, name);
        Repository.Init(path, isBare: true);
        using var repo = new Repository(path);
        var signature = new Signature("mirror", "mirror@example.invalid", new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero));
        Commit? parent = null;
        for (var i = 1; i <= commits; i++)
        {
            var tree = new TreeDefinition();
            for (var f = 1; f <= i; f++)
                tree.Add($"file{f}.txt", repo.ObjectDatabase.CreateBlob(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"content {f}\n"))), Mode.NonExecutableFile);
            var commit = repo.ObjectDatabase.CreateCommit(signature, signature, $"commit {i}", repo.ObjectDatabase.CreateTree(tree),
                parent is null ? [] : [parent], prettifyMessage: true);
            parent = commit;
        }

        repo.Refs.Add("refs/heads/main", parent!.Id);
        repo.Refs.UpdateTarget("HEAD", "refs/heads/main");
        return new BareRepository(path);
    }

    /// <summary>Every reference with its target, and how many objects the object database holds.</summary>
    public (IReadOnlyList<string> Refs, int ObjectCount) Fingerprint()
    {
        using var repo = new Repository(Path);
        var refs = repo.Refs.Select(r => $"{r.CanonicalName} {r.TargetIdentifier}").Order(StringComparer.Ordinal).ToList();
        return (refs, repo.ObjectDatabase.Count());
    }
}
