using System.Text.Json;
using CsCheck;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Reporting;
using IsolationChecks.Running;
using static IsolationChecks.Tests.Reporting.ReportSamples;
using static IsolationChecks.Tests.Running.RunBuilders;

namespace IsolationChecks.Tests.Reporting;

/// <summary>
/// Any text a finding can carry (markup, quotes, control characters, line breaks, formula prefixes, non-ASCII) survives each
/// format's escaping: the XML parses and meets its schema, the JSON meets its schema, the CSV reads back, the HTML shows it as text.
/// </summary>
public class EscapingPropertyTests
{
    private static readonly string[] Pieces =
    [
        "<", ">", "&", "&amp;", "\"", "'", "`", "\\", "\n", "\r", "\r\n", "\t", "\u0000", "\u0001", "\u001b", "\u007f", "\u0085", "\u2028",
        "=", "+", "-", "@", ",", ";", "|", "*", "_", "#", "[", "]", "]]>", "<!--", "<script>", "-->", "é", "本番", "😀", " ", "a", "1", "vpc-0a1",
    ];

    private static readonly Gen<string> Text = Gen.OneOf(Pieces).Array[0, 10].Select(pieces => string.Concat(pieces));

    private static readonly Gen<RunResult> Runs =
        Gen.Select(Text, Text, Text, Text, Text, Gen.Enum<Status>(), (name, message, subject, fact, remedy, status) =>
            Run([
                new Finding(Control("CB-3"), Resource(name.Length == 0 ? "x" : name), status, message, [new EvidenceFact(subject, fact, "RouteTables.json")], remedy),
                Finding(Control("CB-1"), "app-build", Status.Pass),
            ]));

    [Test]
    public void Junit_parses_meets_its_schema_and_keeps_the_text() =>
        Runs.Sample(run =>
        {
            var bytes = JunitReport.Serialize(run);
            var finding = run.Findings[0];
            var testCase = Xml(bytes).Root!.Descendants("testcase").Single(c => c.Attribute("classname")!.Value.EndsWith("CB-3", StringComparison.Ordinal));
            var output = testCase.Element("system-out")!.Value;
            return JunitErrors(bytes).Count == 0
                   && testCase.Attribute("name")!.Value == JunitReport.Text(finding.TestName)
                   && output == JunitReport.Text(FindingText.Describe(finding))
                   && (JunitReport.Outcome(finding.Status).Element is not { } element
                       || testCase.Element(element)!.Attribute("message")!.Value == JunitReport.Text($"{FindingText.Label(finding.Status)}: {finding.Message}"));
        });

    [Test]
    public void Sarif_and_ocsf_meet_their_schemas_and_keep_the_text() =>
        Runs.Sample(run =>
        {
            var finding = run.Findings[0];
            var sarif = SarifReport.Serialize(run);
            var ocsf = OcsfReport.Serialize(run);
            var results = JsonDocument.Parse(sarif).RootElement.GetProperty("runs")[0].GetProperty("results");
            var events = ReportTextOf(ocsf).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            var sarifKept = !ReportOrder.NeedsAttention(finding.Status)
                            || results[0].GetProperty("message").GetProperty("text").GetString()!.EndsWith(finding.Message, StringComparison.Ordinal);
            var ocsfKept = finding.Status == Status.Pass
                           || (events[0].GetProperty("finding_info").GetProperty("desc").GetString() == finding.Message
                               && events[0].GetProperty("remediation").GetProperty("desc").GetString() == finding.EffectiveRemediation
                               && events[0].GetProperty("unmapped").GetProperty("isolationchecks").GetProperty("evidence")[0].GetProperty("fact").GetString() == finding.Evidence[0].Fact);
            return SarifErrors(sarif).Count == 0 && OcsfErrors(ocsf).Count == 0 && sarifKept && ocsfKept;
        });

    [Test]
    public void Csv_reads_back_to_the_values_and_never_starts_a_cell_with_a_formula() =>
        Runs.Sample(run =>
        {
            var records = Rfc4180.Read(ReportTextOf(CsvReport.Serialize(run)));
            var expected = ReportOrder.Sort(run.Findings).Select(f => CsvReport.Cells(run, f)).ToList();
            return records.Count == run.Findings.Count + 1
                   && records.Skip(1).Zip(expected).All(pair => pair.First.Select(Rfc4180.Shown).SequenceEqual(pair.Second))
                   && records.SelectMany(r => r).All(cell => cell.Length == 0 || cell[0] is not ('=' or '+' or '-' or '@' or '\t' or '\r'));
        });

    [Test]
    public void Html_and_markdown_show_the_text_and_never_its_markup() =>
        Runs.Sample(run =>
        {
            var finding = run.Findings[0];
            var html = HtmlReport.Render(run);
            var md = MarkdownReport.Render(run);
            var shown = finding.Status == Status.Pass ? finding.Resource.Name : finding.Message;
            return html.Contains(System.Net.WebUtility.HtmlEncode(shown), StringComparison.Ordinal)
                   && !html.Contains("<script>", StringComparison.Ordinal) && !md.Contains("<script>", StringComparison.Ordinal)
                   && md.Contains(MarkdownReport.Escape(shown), StringComparison.Ordinal);
        });
}
