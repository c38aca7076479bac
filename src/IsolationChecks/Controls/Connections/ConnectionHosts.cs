using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Controls.Connections;

public static class ConnectionHostArns
{
    /// <summary>
    /// CodeStar Connections and CodeConnections name the same host under two service prefixes
    /// (arn:aws:codestar-connections:... and arn:aws:codeconnections:...): compare them as one.
    /// </summary>
    public static bool Same(string a, string b) => string.Equals(Normalise(a), Normalise(b), StringComparison.Ordinal);

    private static string Normalise(string arn) => arn.Replace(":codestar-connections:", ":codeconnections:", StringComparison.Ordinal);
}

/// <summary>
/// The posture's connections scope: every GitLabSelfManaged host of the connections account, less the excluded, plus
/// any host the posture names whatever its provider (see <see cref="Catalog.DeclaredResources"/>).
/// </summary>
public static class ConnectionHostsInScope
{
    public const string GitLabSelfManaged = "GitLabSelfManaged";

    public static IEnumerable<Catalog.Finding> Evaluate(
        Catalog.EvaluationContext context, Catalog.FindingFactory verdict, Func<Catalog.ResourceRef, ConnectionHost, Snapshots.ScopeSnapshot, IEnumerable<Catalog.Finding>> check) =>
        Sections(context).SelectMany(connections => Catalog.DeclaredResources.Evaluate(context, verdict, Scope(connections), check));

    public static IEnumerable<Catalog.JudgementExclusion> Excluded(Catalog.EvaluationContext context) =>
        Sections(context).SelectMany(c => Catalog.DeclaredResources.Excluded(context, Scope(c)));

    /// <summary>Every connections section (the posture's own and each class member's); one absent section when there is none, which says so.</summary>
    private static IReadOnlyList<Posture.ConnectionsPosture?> Sections(Catalog.EvaluationContext context) =>
        context.Posture.ConnectionSections is { Count: > 0 } sections ? [.. sections] : [null];

    private static Catalog.DeclaredScope<ConnectionHost> Scope(Posture.ConnectionsPosture? connections)
    {
        return new Catalog.DeclaredScope<ConnectionHost>(connections?.Section ?? "connections", "hosts", "CodeConnections host", connections?.Account, connections?.Hosts ?? [],
            connections?.Exclude ?? [],
            scope => scope.Read<HostListing>(Aws.Calls.AwsCalls.ListHosts).Select(listing => listing.Hosts),
            Aws.Calls.AwsCalls.ListHosts.File,
            host => host.Name ?? host.HostArn.Split('/').Last(),
            (host, name, _, _) => host?.HostArn ?? name)
        {
            Matches = (host, name) => ConnectionHostArns.Same(host.HostArn, name) || host.Name == name,
            OfKind = host => host.ProviderType == GitLabSelfManaged,
        };
    }
}
