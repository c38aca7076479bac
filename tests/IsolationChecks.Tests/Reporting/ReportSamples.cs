using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;
using IsolationChecks.Tests.Support;
using Json.Schema;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Reporting;

/// <summary>Runs to write reports of (built by hand, or the controls' real findings on fixtures) and the schemas the reports must meet.</summary>
public static class ReportSamples
{
    /// <summary>The violation fixtures whose failures are network paths: a leak out (CB-3), a leak in (GL-2), blocks (EP-4).</summary>
    public static readonly string[] NetworkViolations = ["CB-3-nat-path", "GL-2-https-reachable-from-internet", "EP-4-endpoint-sg-blocks", "EP-4-nacl-return-blocked"];

    /// <summary>A run with every status, a waiver, a leaking path, a block and the evidence the controls write.</summary>
    public static RunResult MixedRun() => Run([
        Finding(Control("CB-1"), "passing-build", Status.Pass, "has a VPC configuration"),
        Finding(Control("CB-4", Severity.Medium), "waived-build", Status.Waived, "waived (fail): no logs"),
        Finding(Control("CB-3"), "leaking-build", Status.Fail, "leaking-build has a network path to the internet") with
        {
            Evidence =
            [
                new EvidenceFact("leaking-build", "vpcConfig: vpc-1, subnets subnet-1, security groups sg-1", "codebuild/batch-get-projects.json"),
                new EvidenceFact("path subnet-1 -> 0.0.0.0/0",
                    "subnet-1 (an interface with sg-1) security group egress [sg-1 egress all to 0.0.0.0/0] -> rtb-1 (associated with subnet-1) [route 0.0.0.0/0 -> nat-1 (NAT gateway)] " +
                    "-> nat-1 [translates to 198.51.100.7] -> rtb-2 (associated with subnet-9) [route 0.0.0.0/0 -> igw-1 (internet gateway)] -> igw-1 [to the internet] " +
                    "-> acl-1 (subnet-1) inbound (return traffic, stateless) [rule 100 allow all 0.0.0.0/0]", "RouteTables.json"),
            ],
        },
        Finding(Control("EP-4", Severity.High, "Endpoints"), "vpce-1", Status.Fail, "builds cannot open TCP 443 to vpce-1") with
        {
            Evidence = [new EvidenceFact("subnet-1 (app-build) blocked at eni-7 security group ingress", "no rule of sg-9 admits it (stops tcp 443 from 10.0.1.0/24)")],
        },
        Finding(Control("CB-5", Severity.High), "undecided-build", Status.Inconclusive, "codebuild:BatchGetProjects failed with AccessDenied") with
        {
            Remediation = "Grant codebuild:BatchGetProjects to the audit role, then run again.",
        },
        Finding(Control("CB-2"), "broken-build", Status.Error, "the control could not be evaluated"),
    ]);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<IReadOnlyList<Finding>>> Evaluated = new(StringComparer.Ordinal);

    /// <summary>The controls' findings on a fixture folder, evaluated once for every report test (findings are immutable).</summary>
    public static Task<IReadOnlyList<Finding>> FindingsOf(string folder) =>
        Evaluated.GetOrAdd(folder, f => FixtureRun.EvaluateAsync(f));

    /// <summary>The findings needing attention or waived that a violation fixture adds to the reference's.</summary>
    public static async Task<IReadOnlyList<Finding>> ViolationsOf(string violation) =>
        (await FindingsOf(RepositoryPaths.Path("Fixtures", "violations", violation))).Where(f => f.Status != Status.Pass).ToList();

    /// <summary>The controls' real findings on the reference environment, with one network violation's findings added.</summary>
    public static async Task<RunResult> FixtureRunAsync(string violation = "CB-3-nat-path") =>
        Run([.. await FindingsOf(RepositoryPaths.Reference), .. await ViolationsOf(violation)], ControlCatalog.Discover().Controls.Select(c => c.Metadata).ToList());

    public static string SchemaPath(string name) => RepositoryPaths.Path("tests", "IsolationChecks.Tests", "Reporting", "Schemas", name);

    private static readonly Lazy<JsonSchema> Sarif = new(() => Load("sarif-2.1.0-subset.schema.json"));
    private static readonly Lazy<JsonSchema> Ocsf = new(() => Load("ocsf-1.3.0-detection-finding.schema.json"));

    private static JsonSchema Load(string name) =>
        JsonSchema.FromText(File.ReadAllText(SchemaPath(name)), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    /// <summary>Every place the document breaks the SARIF schema, empty when it meets it.</summary>
    public static IReadOnlyList<string> SarifErrors(byte[] sarif) => Errors(Sarif.Value, JsonDocument.Parse(sarif).RootElement);

    /// <summary>Every place an OCSF event breaks the Detection Finding schema, each prefixed with its line; empty when every line meets it.</summary>
    public static IReadOnlyList<string> OcsfErrors(byte[] jsonl)
    {
        var lines = ReportTextOf(jsonl).Split('\n');
        Assert.That(lines[^1], Is.Empty, "the file ends with a line break");
        return lines[..^1].SelectMany((line, i) => Errors(Ocsf.Value, JsonDocument.Parse(line).RootElement).Select(e => $"line {i + 1}: {e}")).ToList();
    }

    public static string ReportTextOf(byte[] bytes) => IsolationChecks.Reporting.ReportText.Utf8.GetString(bytes);

    private static IReadOnlyList<string> Errors(JsonSchema schema, JsonElement document)
    {
        var results = schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return results.IsValid
            ? []
            : (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}")).ToList();
    }

    /// <summary>Every place the XML breaks junit.xsd (it must also parse), empty when it meets it.</summary>
    public static IReadOnlyList<string> JunitErrors(byte[] xml)
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(null, SchemaPath("junit.xsd"));
        var errors = new List<string>();
        var document = XDocument.Load(new MemoryStream(xml), LoadOptions.SetLineInfo);
        document.Validate(schemas, (_, e) => errors.Add($"line {e.Exception?.LineNumber}: {e.Message}"));
        return errors;
    }

    public static XDocument Xml(byte[] xml) => XDocument.Load(XmlReader.Create(new MemoryStream(xml)));
}
