using IsolationChecks.Controls.Catalog;
using IsolationChecks.Evaluation.Policies;
using IsolationChecks.Aws.Shapes;

namespace IsolationChecks.Controls.Ecr.ECR3_ImageScanning;

/// <summary>
/// ECR-3: images are scanned: scan on push on the repository, or a registry scanning rule (basic or enhanced)
/// whose filter matches the repository. Under enhanced scanning the repository setting is ignored by AWS,
/// so only the registry's rules count there.
/// </summary>
public sealed class ImageScanning : SnapshotControl
{
    public override ControlMetadata Metadata { get; } = new(
        Id: "ECR-3",
        Title: "ECR repository images are scanned for vulnerabilities",
        Family: "ECR",
        Severity: Severity.Medium,
        Claim: "is scanned for vulnerabilities",
        Rationale: "Images carry operating-system and library packages with known vulnerabilities; scanning on push (or continuously) " +
                   "is how critical and high findings become visible so they can be acted on.",
        Remediation: "Add a registry scanning rule that covers the repository (aws ecr put-registry-scanning-configuration --scan-type BASIC " +
                     "--rules '[{\"scanFrequency\":\"SCAN_ON_PUSH\",\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}]'), " +
                     "or, under basic scanning, enable scan on push on the repository.",
        References:
        [
            "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
            "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-1",
        ]);

    protected override IEnumerable<Finding> Evaluate(FindingFactory verdict, EvaluationContext context) =>
        EcrRepositoriesInScope.Evaluate(context, verdict, audit => [Judge(verdict, audit)]);

    private static Finding Judge(FindingFactory verdict, RepositoryUnderAudit audit)
    {
        var scanOnPush = audit.Repository.ImageScanningConfiguration?.ScanOnPush;
        var repositoryFact = new EvidenceFact(audit.Name, $"imageScanningConfiguration.scanOnPush = {scanOnPush?.ToString().ToLowerInvariant() ?? "(absent)"}", audit.RepositoriesFile);
        var registry = audit.Scope.Ecr.RegistryScanning;
        if (!registry.TryGet(out var configuration, out var gap))
        {
            // Without the registry configuration we cannot tell basic from enhanced, and enhanced ignores scanOnPush.
            var unavailable = verdict.Unavailable(audit.Resource, gap);
            return unavailable with { Evidence = [.. unavailable.Evidence, repositoryFact] };
        }

        var scanType = configuration.ScanningConfiguration.ScanType;
        var rules = configuration.ScanningConfiguration.Rules;
        var registryFact = new EvidenceFact("registry scanning", $"scanType = {scanType}, rules = [{string.Join("; ", rules.Select(Describe))}]", registry.Source);
        var matching = rules.FirstOrDefault(r => r.ScanFrequency is "SCAN_ON_PUSH" or "CONTINUOUS_SCAN"
                                                 && r.RepositoryFilters.Any(f => Matches(f, audit.Name)));
        if (matching is not null)
            return verdict.Pass(audit.Resource, $"{audit.Name} is covered by the registry's {scanType} scanning rule {Describe(matching)}", repositoryFact, registryFact);
        if (scanType == "BASIC" && scanOnPush == true)
            return verdict.Pass(audit.Resource, $"{audit.Name} has scan on push enabled (basic scanning)", repositoryFact, registryFact);
        var why = scanType == "ENHANCED" && scanOnPush == true
            ? $"{audit.Name} sets scanOnPush, but the registry uses ENHANCED scanning, which ignores it, and no registry rule that scans automatically matches the repository"
            : $"{audit.Name} has scan on push disabled and no rule of the registry's {scanType} scanning configuration that scans automatically matches it";
        return verdict.Fail(audit.Resource, why, [repositoryFact, registryFact]);
    }

    private static bool Matches(ScanningRepositoryFilter filter, string repository) =>
        filter.FilterType == "WILDCARD" && Wildcard.Matches(filter.Filter, repository, ignoreCase: false);

    private static string Describe(RegistryScanningRule rule) =>
        $"{rule.ScanFrequency ?? "?"} on [{string.Join(", ", rule.RepositoryFilters.Select(f => f.Filter))}]";
}
