namespace IsolationChecks.Snapshots;

/// <summary>Snapshot folders on disk: read (including violation-fixture overlays) and write (with manifest hashes).</summary>
public static class SnapshotFolder
{
    public static Task<SnapshotFiles> ReadAsync(string folder, CancellationToken cancellationToken) =>
        throw new NotImplementedException("implemented by the snapshot work package");

    public static Task WriteAsync(SnapshotFiles files, string folder, CancellationToken cancellationToken) =>
        throw new NotImplementedException("implemented by the snapshot work package");
}
