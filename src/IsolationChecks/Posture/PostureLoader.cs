namespace IsolationChecks.Posture;

/// <summary>Loads and strictly validates a posture file; bad input throws <see cref="InputException"/>.</summary>
public static class PostureLoader
{
    public static PostureDocument Parse(byte[] json, string fileName) =>
        throw new NotImplementedException("implemented by the posture work package");

    public static async Task<PostureDocument> LoadAsync(string path, CancellationToken cancellationToken) =>
        Parse(await File.ReadAllBytesAsync(path, cancellationToken), path);
}
