using System.Diagnostics.CodeAnalysis;

namespace IsolationChecks.Snapshots;

/// <summary>
/// Why a piece of data is not in the snapshot: the call that failed (or was never made) and its error.
/// Every control that needs the data turns <c>inconclusive</c> and quotes this.
/// </summary>
/// <param name="Service">e.g. "ec2", "codebuild".</param>
/// <param name="Operation">e.g. "DescribeRouteTables".</param>
/// <param name="Reason">The error message, or "not collected" when the file is absent.</param>
/// <param name="ErrorCode">The AWS error code (AccessDenied, Throttling, ...) when the call failed.</param>
/// <param name="File">The snapshot file that would have held the data.</param>
/// <param name="Remedy">How to get the evidence: the permission to grant, the command to run, the setting to change.</param>
public sealed record DataGap(string Service, string Operation, string Reason, string? ErrorCode, string? File, string? Remedy = null)
{
    /// <summary>The error code of a file that is there but is not the document its call prints.</summary>
    public const string MalformedEvidence = "MalformedEvidence";

    public string Describe() => ErrorCode switch
    {
        null => $"{Service}:{Operation} {Reason}",
        MalformedEvidence => $"{File} is not the output of {Service}:{Operation}: {Reason}",
        _ => $"{Service}:{Operation} failed with {ErrorCode}: {Reason}",
    };

    public static DataGap NotCollected(string service, string operation, string file, string? remedy = null) =>
        new(service, operation, $"was not collected ({file} is absent from the snapshot)", null, file, remedy);
}

/// <summary>
/// Which evidence a run consulted: every file a control asked for (seen or a gap), and every gap it met. The reports
/// list the gaps; the corruption tests use the files to know which verdicts rest on which evidence. One per read of a
/// snapshot, never shared between runs.
/// </summary>
public sealed class EvidenceLog
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _files = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<DataGap, byte> _gaps = new();

    // Per async flow, so a question answered while other controls run in parallel records only its own reads.
    private readonly AsyncLocal<System.Collections.Concurrent.ConcurrentDictionary<string, byte>?> _recording = new();

    public IReadOnlyCollection<string> Files => [.. _files.Keys.Order(StringComparer.Ordinal)];

    public IReadOnlyList<DataGap> Gaps => [.. _gaps.Keys.OrderBy(g => g.File, StringComparer.Ordinal).ThenBy(g => g.Operation, StringComparer.Ordinal)];

    /// <summary>
    /// Runs <paramref name="body"/> and says which files it consulted, so a verdict can cite what a shared model read for it
    /// (the network model reads its inventories for many questions; each verdict names those its own question used).
    /// </summary>
    public T Recording<T>(Func<T> body, out IReadOnlyCollection<string> files)
    {
        var outer = _recording.Value;
        var own = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        _recording.Value = own;
        try
        {
            return body();
        }
        finally
        {
            _recording.Value = outer;
            foreach (var file in own.Keys)
                outer?.TryAdd(file, 0);
            files = [.. own.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Records again files an earlier question consulted, for a verdict that reuses its answer.</summary>
    public void Consulted(IEnumerable<string> files)
    {
        foreach (var file in files)
            Consulted(file, null);
    }

    internal void Consulted(string? file, DataGap? gap)
    {
        if (file is not null)
        {
            _files.TryAdd(file, 0);
            _recording.Value?.TryAdd(file, 0);
        }

        if (gap is not null)
            _gaps.TryAdd(gap, 0);
    }
}

/// <summary>
/// Data read from the snapshot, or the gap where it should be. Controls must go through
/// <see cref="TryGet"/>, so a missing file can never be mistaken for an empty list.
/// </summary>
public sealed class Collected<T>
{
    private readonly T? _value;
    private readonly EvidenceLog? _log;

    private Collected(T? value, string? source, DataGap? gap, EvidenceLog? log)
    {
        _value = value;
        Source = source;
        Gap = gap;
        _log = log;
    }

    /// <summary>The snapshot file the value was read from.</summary>
    public string? Source { get; }

    public DataGap? Gap { get; }

    public bool IsSeen => Gap is null;

    public static Collected<T> Seen(T value, string source, EvidenceLog? log = null) => new(value, source, null, log);

    public static Collected<T> Missing(DataGap gap, EvidenceLog? log = null) => new(default, null, gap, log);

    public bool TryGet([NotNullWhen(true)] out T? value, [NotNullWhen(false)] out DataGap? gap)
    {
        value = _value;
        gap = Gap;
        _log?.Consulted(Source ?? Gap?.File, Gap);
        return Gap is null && value is not null;
    }

    /// <summary>
    /// The value or the gap without counting as consulted: for an index built ahead of the questions that need it (the
    /// network model), which marks what a question actually used with <see cref="Consult"/>.
    /// </summary>
    public bool Peek([NotNullWhen(true)] out T? value, [NotNullWhen(false)] out DataGap? gap)
    {
        value = _value;
        gap = Gap;
        return Gap is null && value is not null;
    }

    /// <summary>Records that a verdict rests on this evidence (or on its gap).</summary>
    public void Consult() => _log?.Consulted(Source ?? Gap?.File, Gap);

    public Collected<TOut> Select<TOut>(Func<T, TOut> map) =>
        Gap is null && _value is not null ? Collected<TOut>.Seen(map(_value), Source!, _log) : Collected<TOut>.Missing(Gap!, _log);
}
