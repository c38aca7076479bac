using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Aws.Clients;

namespace IsolationChecks.Bench;

/// <summary>
/// The call catalog as data, for what the harness derives from it: the minimum number of requests an estate needs,
/// and the AWS CLI and boto3 scripts that write the same snapshot files.
/// </summary>
public static class CatalogExport
{
    public static int Run()
    {
        var limits = new IsolationChecks.Collection.CollectionLimits();
        var calls = new JsonArray(AwsCalls.All.Select(call => (JsonNode?)Export(call, limits.RateOf(call.Service.IamPrefix))).ToArray());
        Console.WriteLine(new JsonObject { ["calls"] = calls }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static JsonObject Export(AwsCall call, IsolationChecks.Collection.ServiceRate rate) => new()
    {
        ["service"] = call.Service.Name,
        ["iamPrefix"] = call.Service.IamPrefix,
        ["protocol"] = call.Service.Protocol.ToString(),
        ["signingName"] = call.Service.SigningName,
        // The collector's default rate for the call's partition (account, region, service, and the action where the service
        // throttles each apart): what bounds a run from below beside the latency.
        ["callsPerSecond"] = rate.CallsPerSecond,
        ["burst"] = rate.BurstCalls,
        ["perOperation"] = rate.PerOperation,
        ["operation"] = call.Operation,
        ["file"] = call.File,
        ["cli"] = call.Cli,
        ["requires"] = call.Requires,
        ["absentCodes"] = new JsonArray(call.AbsentCodes.Select(c => (JsonNode?)c).ToArray()),
        ["paging"] = Paging(call.Paging),
        ["fanout"] = Fanout(call.Fanout),
        ["request"] = call.Service.Protocol != WireProtocol.Ec2Sdk && call.Fanout is not Aws.Calls.Fanout.Planned
            ? RequestTemplate(call) : null,
    };

    private static JsonObject Paging(Paging paging) => paging switch
    {
        Aws.Calls.Paging.Tokens t => new() { ["kind"] = "tokens", ["lists"] = Strings(t.Lists), ["maxPage"] = Max(t.MaxPage) },
        Aws.Calls.Paging.Markers m => new() { ["kind"] = "markers", ["lists"] = Strings(m.Lists), ["maxPage"] = Max(m.MaxPage) },
        // EC2's describe calls return everything in one response when MaxResults is not set.
        Aws.Calls.Paging.Sdk => new() { ["kind"] = "ec2", ["maxPage"] = null },
        _ => new() { ["kind"] = "none" },
    };

    private static JsonObject Fanout(Fanout fanout) => fanout switch
    {
        Aws.Calls.Fanout.PerItem p => new() { ["kind"] = "perItem", ["of"] = p.Of.ToString(), ["list"] = p.Items.List, ["member"] = p.Items.Member, ["where"] = Where(p.Items) },
        Aws.Calls.Fanout.Batched b => new() { ["kind"] = "batched", ["of"] = b.Of.ToString(), ["list"] = b.Items.List, ["member"] = b.Items.Member, ["where"] = Where(b.Items), ["size"] = b.Size, ["members"] = Strings(b.Members), ["skipWhenEmpty"] = b.SkipWhenEmpty },
        Aws.Calls.Fanout.Planned => new() { ["kind"] = "planned" },
        // An organisation's discovery (units level by level, then their accounts): not part of one account's scripts.
        Aws.Calls.Fanout.Tree or Aws.Calls.Fanout.PerParentItem => new() { ["kind"] = "organization" },
        _ => new() { ["kind"] = "once" },
    };

    /// <summary>The request with placeholders: {item} for the item, {batch} for a batch of names; ECS items are "cluster/service".</summary>
    private static JsonObject RequestTemplate(AwsCall call)
    {
        try
        {
            return call.Request(new CallArgs(AwsCall.ItemPlaceholder, ["{batch}"]));
        }
        catch (ArgumentException)
        {
            return call.Request(new CallArgs("{cluster}/{service}", ["{batch}"]));
        }
    }

    private static JsonNode? Max(int maxPage) => maxPage == int.MaxValue ? null : maxPage;

    private static JsonObject? Where(Aws.Calls.ItemList items) => items.WhereMember is { } member
        ? new JsonObject { ["member"] = member, ["or"] = items.OrMember, ["in"] = Strings(items.WhereIn ?? []) }
        : null;

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
