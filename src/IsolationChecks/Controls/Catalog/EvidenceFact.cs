namespace IsolationChecks.Controls.Catalog;

/// <summary>
/// One fact a verdict rests on, with where it was read (a snapshot file, an API call, a probe request),
/// so an auditor can find it in the evidence.
/// </summary>
/// <param name="Subject">What the fact is about, e.g. "rtb-0abc" or "route 0.0.0.0/0".</param>
/// <param name="Fact">What was seen, e.g. "target nat-0123 (NAT gateway), state active".</param>
/// <param name="Source">Where it was seen, e.g. "accounts/2222/ap-northeast-1/RouteTables.json".</param>
public sealed record EvidenceFact(string Subject, string Fact, string? Source = null)
{
    public override string ToString() => Source is null ? $"{Subject}: {Fact}" : $"{Subject}: {Fact} [{Source}]";
}
