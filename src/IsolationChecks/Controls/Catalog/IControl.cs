namespace IsolationChecks.Controls.Catalog;

/// <summary>
/// One control of the catalog. Implementations live one per folder under Controls/&lt;Family&gt;/&lt;Id&gt;/
/// and are discovered by <see cref="ControlCatalog"/>: adding a control never edits a central switch.
/// </summary>
public interface IControl
{
    ControlMetadata Metadata { get; }

    /// <summary>
    /// Every (resource, verdict) this control has to say about the target. Must yield at least one
    /// finding when its scope is unreadable (an inconclusive naming the failed call), never nothing.
    /// </summary>
    Task<IReadOnlyList<Finding>> EvaluateAsync(EvaluationContext context, CancellationToken cancellationToken);
}

/// <summary>A control that only reads the snapshot: pure, synchronous, offline.</summary>
public abstract class SnapshotControl : IControl
{
    public abstract ControlMetadata Metadata { get; }

    public Task<IReadOnlyList<Finding>> EvaluateAsync(EvaluationContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<Finding>>(Evaluate(new FindingFactory(Metadata), context).ToList());
    }

    protected abstract IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context);
}
