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
/// Data read from the snapshot, or the gap where it should be. Controls must go through
/// <see cref="TryGet"/>, so a missing file can never be mistaken for an empty list.
/// </summary>
public sealed class Collected<T>
{
    private readonly T? _value;

    private Collected(T? value, string? source, DataGap? gap)
    {
        _value = value;
        Source = source;
        Gap = gap;
    }

    /// <summary>The snapshot file the value was read from.</summary>
    public string? Source { get; }

    public DataGap? Gap { get; }

    public bool IsSeen => Gap is null;

    public static Collected<T> Seen(T value, string source) => new(value, source, null);

    public static Collected<T> Missing(DataGap gap) => new(default, null, gap);

    public bool TryGet([NotNullWhen(true)] out T? value, [NotNullWhen(false)] out DataGap? gap)
    {
        value = _value;
        gap = Gap;
        return Gap is null && value is not null;
    }

    public Collected<TOut> Select<TOut>(Func<T, TOut> map) =>
        TryGet(out var value, out var gap) ? Collected<TOut>.Seen(map(value), Source!) : Collected<TOut>.Missing(gap);
}
