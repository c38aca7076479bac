namespace IsolationChecks.Snapshots;

/// <summary>Parses snapshot files into the model every control reads, verifying integrity against the manifest.</summary>
public static class SnapshotReader
{
    public static Snapshot Read(SnapshotFiles files) =>
        throw new NotImplementedException("implemented by the snapshot work package");
}
