using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>Thrown by the read-only guard: the action is not on the allowlist, and nothing was sent.</summary>
public sealed class ReadOnlyViolationException(string action)
    : InvalidOperationException($"Refused {action}: it is not on the read-only allowlist (IsolationChecks.Aws.ReadOnlyAllowlist); nothing was sent.")
{
    public string Action { get; } = action;
}

/// <summary>Which allowlist a client is held to.</summary>
internal enum GuardMode
{
    Audit,
    Credential,
}

/// <summary>
/// The outermost handler of every client's pipeline: refuses any action outside the allowlist before
/// marshalling, signing or sending happen.
/// </summary>
internal sealed class ReadOnlyGuardHandler(string iamServicePrefix, GuardMode mode) : PipelineHandler
{
    public override void InvokeSync(IExecutionContext executionContext)
    {
        Check(executionContext);
        base.InvokeSync(executionContext);
    }

    public override Task<T> InvokeAsync<T>(IExecutionContext executionContext)
    {
        Check(executionContext);
        return base.InvokeAsync<T>(executionContext);
    }

    private void Check(IExecutionContext executionContext)
    {
        var action = $"{iamServicePrefix}:{ActionOf(executionContext.RequestContext.OriginalRequest)}";
        var allowed = mode == GuardMode.Audit ? ReadOnlyAllowlist.AllowsAudit(action) : ReadOnlyAllowlist.AllowsCredential(action);
        if (!allowed)
            throw new ReadOnlyViolationException(action);
    }

    internal static string ActionOf(AmazonWebServiceRequest request) => request switch
    {
        IThinRequest thin => thin.Action,
        _ => StripSuffix(request.GetType().Name, "Request"),
    };

    private static string StripSuffix(string name, string suffix) =>
        name.EndsWith(suffix, StringComparison.Ordinal) ? name[..^suffix.Length] : name;
}
