using System.Globalization;
using System.Text;
using System.Xml;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;

namespace IsolationChecks.Reporting;

/// <summary>
/// findings.junit.xml: the findings as JUnit XML, for CI test reports (GitLab's <c>artifacts:reports:junit</c>, Jenkins,
/// Azure DevOps). One <c>testsuite</c> per control, one <c>testcase</c> per finding, named as the NUnit suite names it.
/// The mapping follows the suite's own (README, "Status mapping"): fail is a <c>failure</c>; inconclusive is a
/// <c>failure</c> of type inconclusive, never <c>skipped</c>, which CI systems count as harmless; error is an <c>error</c>
/// (no verdict could be reached); pass and waived pass, the waiver said in the case's output. Text that XML 1.0 cannot
/// carry (control characters other than tab, line feed and carriage return; unpaired surrogates) is written as U+FFFD.
/// </summary>
public static class JunitReport
{
    public const string FileName = "findings.junit.xml";

    public static byte[] Serialize(RunResult run) => ReportText.ToBytes(stream => Write(run, stream));

    public static void Write(RunResult run, Stream output)
    {
        var controls = ControlTallies.Of(run);
        var byControl = run.Findings.ToLookup(f => f.Control.Id);
        using (var xml = XmlWriter.Create(output, new XmlWriterSettings
               {
                   Encoding = ReportText.Utf8,
                   Indent = true,
                   // Line breaks inside messages and evidence survive a round trip, in attributes too.
                   NewLineHandling = NewLineHandling.Entitize,
               }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", Text($"{ToolInfo.Name}: {run.PostureName}{(run.Plan is null ? "" : " (hypothetical: Terraform plan)")}"));
            WriteCounts(xml, run.Findings);
            xml.WriteAttributeString("time", Seconds(run.FinishedAt - run.StartedAt));
            xml.WriteAttributeString("timestamp", Timestamp(run.StartedAt));
            foreach (var (tally, index) in controls.Select((t, i) => (t, i)))
            {
                var control = tally.Control;
                var findings = byControl[control.Id].ToList();
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", Text($"{control.Id} {control.Title}"));
                xml.WriteAttributeString("id", index.ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString("package", Text($"{ToolInfo.Name}.{control.Family}"));
                WriteCounts(xml, findings);
                xml.WriteAttributeString("time", "0");
                xml.WriteAttributeString("timestamp", Timestamp(run.StartedAt));
                xml.WriteStartElement("properties");
                Property(xml, "control", control.Id);
                Property(xml, "family", control.Family);
                Property(xml, "severity", control.Severity.ToWire());
                Property(xml, "gate", run.Gate.Passed ? "passed" : "failed");
                Property(xml, "evidence", run.Trust.Describe());
                if (run.DemoData)
                    Property(xml, "notice", RunResult.DemoNotice);
                if (run.Plan is not null)
                    Property(xml, "hypothetical", Running.PlanReport.HypotheticalNotice);
                xml.WriteEndElement();
                foreach (var finding in findings)
                    WriteCase(xml, finding);
                xml.WriteEndElement();
            }

            if (run.Plan is { } plan)
                PlanReporting.WriteJunit(xml, run, plan);
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
    }

    /// <summary>What a finding is in JUnit terms: the element its case carries (null for a pass), and its type attribute.</summary>
    public static (string? Element, string Type) Outcome(Status status) => status switch
    {
        Status.Fail => ("failure", "fail"),
        Status.Inconclusive => ("failure", "inconclusive"),
        Status.Error => ("error", "error"),
        _ => (null, status.ToWire()),
    };

    private static void WriteCase(XmlWriter xml, Finding finding)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("name", Text(finding.TestName));
        xml.WriteAttributeString("classname", Text($"{ToolInfo.Name}.{finding.Control.Family}.{finding.Control.Id}"));
        xml.WriteAttributeString("time", "0");
        var described = Text(FindingText.Describe(finding));
        var (element, type) = Outcome(finding.Status);
        if (element is not null)
        {
            xml.WriteStartElement(element);
            xml.WriteAttributeString("message", Text($"{FindingText.Label(finding.Status)}: {finding.Message}"));
            xml.WriteAttributeString("type", type);
            xml.WriteString(described);
            xml.WriteEndElement();
        }

        xml.WriteElementString("system-out", described);
        xml.WriteEndElement();
    }

    private static void WriteCounts(XmlWriter xml, IReadOnlyCollection<Finding> findings)
    {
        xml.WriteAttributeString("tests", findings.Count.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", findings.Count(f => Outcome(f.Status).Element == "failure").ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("errors", findings.Count(f => Outcome(f.Status).Element == "error").ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("skipped", "0");
    }

    private static void Property(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", Text(value));
        xml.WriteEndElement();
    }

    private static string Seconds(TimeSpan duration) => Math.Max(0, duration.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Text as XML 1.0 can carry it: every character it cannot (see the class summary) becomes U+FFFD.</summary>
    public static string Text(string text)
    {
        StringBuilder? clean = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                clean?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (XmlConvert.IsXmlChar(c))
            {
                clean?.Append(c);
                continue;
            }

            clean ??= new StringBuilder(text.Length).Append(text, 0, i);
            clean.Append('\uFFFD');
        }

        return clean?.ToString() ?? text;
    }
}
