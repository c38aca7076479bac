using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.Iam;

/// <summary>
/// The ECR and IAM controls on the real fixtures: the reference passes every one of them, and each violation
/// overlay that names one of them turns it red (or, for a look-alike, keeps it green) with the expected message.
/// </summary>
public class RegistryAndIdentityFixtureTests
{
    private static readonly string[] Families = ["ECR-", "IAM-"];

    private static IReadOnlyList<IControl> Controls() =>
        ControlCatalog.Discover().Controls.Where(c => Families.Any(f => c.Metadata.Id.StartsWith(f, StringComparison.Ordinal))).ToList();

    private static IReadOnlyList<Finding> Run(EvaluationContext context) =>
        Controls().SelectMany(c => c.EvaluateAsync(context, CancellationToken.None).GetAwaiter().GetResult()).ToList();

    public static IEnumerable<string> Violations() =>
        Directory.GetDirectories(Path.Combine(FixtureSnapshot.FixturesRoot, "violations")).Select(Path.GetFileName).OfType<string>()
            .Where(name =>
            {
                var expect = FixtureSnapshot.Fixture(name)["expect"]!;
                return (expect["fail"] ?? expect["pass"])!.AsArray().Any(id => Families.Any(f => ((string)id!).StartsWith(f, StringComparison.Ordinal)));
            })
            .Order();

    [Test]
    public void The_catalog_holds_all_eight_registry_and_identity_controls() =>
        Assert.That(Controls().Select(c => c.Metadata.Id), Is.EqualTo(new[] { "ECR-1", "ECR-2", "ECR-3", "ECR-4", "ECR-5", "IAM-1", "IAM-2", "IAM-3" }));

    [Test]
    public void The_reference_passes_every_ecr_and_iam_control()
    {
        var findings = Run(FixtureSnapshot.Context(FixtureSnapshot.Reference()));

        Assert.That(findings.Where(f => f.Status != Status.Pass).Select(f => $"{f.Control.Id} {f.Resource.Name}: {f.Status} {f.Message}"), Is.Empty);
        Assert.That(findings.Select(f => f.TestName), Is.SupersetOf(new[]
        {
            "ECR-1 app grants no public or foreign-account access",
            "ECR-1 base-images grants no public or foreign-account access",
            "IAM-1 isolated-pull on app cannot write to the mirrored repository",
            "IAM-2 isolated-pull on app can pull only from the isolated source CIDRs",
            "IAM-3 gitlab-mirror-push on app can push only from the declared NAT gateways",
            "ECR-5 account 222222222222 has no ECR Public repository unless allowed",
        }));
    }

    [TestCaseSource(nameof(Violations))]
    public void A_violation_turns_its_control_red_with_the_expected_message(string violation)
    {
        var expect = FixtureSnapshot.Fixture(violation)["expect"]!;
        var expectsPass = expect["pass"] is not null;
        var ids = (expect["fail"] ?? expect["pass"])!.AsArray().Select(n => (string)n!).ToList();
        var findings = Run(FixtureSnapshot.Context(FixtureSnapshot.Violation(violation)));
        string Show(IEnumerable<Finding> list) => string.Join("\n", list.Select(f => $"{f.Control.Id} {f.Resource.Id} {f.Status}: {f.Message}"));

        using (Assert.EnterMultipleScope())
        {
            foreach (var id in ids.Where(id => Families.Any(f => id.StartsWith(f, StringComparison.Ordinal))))
            {
                var ofControl = findings.Where(f => f.Control.Id == id).ToList();
                if (expectsPass)
                    Assert.That(ofControl.All(f => f.Status == Status.Pass) && ofControl.Count > 0, Is.True, () => Show(ofControl));
                else
                    Assert.That(ofControl.Any(f => f.Status == Status.Fail), Is.True, () => $"{id} did not fail:\n{Show(ofControl)}");
            }

            if (Families.Any(f => ids[0].StartsWith(f, StringComparison.Ordinal)))
            {
                var resource = (string?)expect["resource"];
                var wanted = expect["messageContains"]?.AsArray().Select(n => (string)n!).ToList() ?? [];
                var status = expectsPass ? Status.Pass : Status.Fail;
                var match = findings.FirstOrDefault(f => f.Control.Id == ids[0] && f.Status == status
                                                         && (resource is null || f.Resource.Id == resource || f.Resource.Name == resource));
                Assert.That(match, Is.Not.Null, () => $"no {status} of {ids[0]} on {resource}:\n{Show(findings.Where(f => f.Control.Id == ids[0]))}");
                if (match is not null)
                    foreach (var text in wanted) Assert.That(match.Message, Does.Contain(text));
            }
        }
    }
}
