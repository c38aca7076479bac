using System.Text;
using System.Text.Json.Nodes;

namespace IsolationChecks.IntegrationTests.Faults;

/// <summary>
/// Endless pagination, in the protocol's own paging members: the first page as upstream answered it plus a next-page
/// token, then that same page and token for every page asked for after it. EC2 Query puts &lt;nextToken&gt; in the
/// response element; AWS Query puts the marker (and IsTruncated=true, where the service uses it) in the
/// &lt;OperationResult&gt; element; JSON protocols carry the token member in the body.
/// </summary>
/// <param name="TokenMember">nextToken, NextToken, Marker, NextMarker: as the catalog's paging declares it.</param>
/// <param name="TruncatedMember">AWS Query: the IsTruncated member, when the service pages with one.</param>
public sealed record EndlessPages(string TokenMember, string? TruncatedMember = null)
{
    public const string Token = "endless-page-token";

    private readonly Lock _lock = new();
    private FaultProxy.UpstreamAnswer? _page;

    /// <summary>The page every later request gets, once the first has been answered; null before.</summary>
    public FaultProxy.UpstreamAnswer? Repeat(AwsCallIdentity call)
    {
        lock (_lock)
            return _page;
    }

    /// <summary>The first page with a token added; remembered for the pages after it.</summary>
    public FaultProxy.UpstreamAnswer First(AwsCallIdentity call, FaultProxy.UpstreamAnswer answer)
    {
        var page = answer.Status == 200 ? answer with { Body = WithToken(call, answer.Body) } : answer;
        lock (_lock)
            return _page ??= page;
    }

    private byte[] WithToken(AwsCallIdentity call, byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        switch (call.Protocol)
        {
            case AwsWireProtocol.Json11:
                var document = JsonNode.Parse(text)!.AsObject();
                document[TokenMember] = Token;
                return Encoding.UTF8.GetBytes(document.ToJsonString());
            case AwsWireProtocol.Ec2Query:
                return Encoding.UTF8.GetBytes(InsertBefore(text, text.LastIndexOf("</", StringComparison.Ordinal), $"<{TokenMember}>{Token}</{TokenMember}>"));
            default:
                var result = $"</{call.Operation}Result>";
                var members = $"<{TokenMember}>{Token}</{TokenMember}>";
                if (TruncatedMember is { } truncated)
                {
                    text = text.Replace($"<{truncated}>false</{truncated}>", "", StringComparison.Ordinal);
                    members += $"<{truncated}>true</{truncated}>";
                }

                return Encoding.UTF8.GetBytes(InsertBefore(text, text.IndexOf(result, StringComparison.Ordinal), members));
        }
    }

    private static string InsertBefore(string text, int at, string insert) =>
        at >= 0 ? text.Insert(at, insert) : throw new InvalidOperationException($"no element to page in: {text[..Math.Min(200, text.Length)]}");
}
