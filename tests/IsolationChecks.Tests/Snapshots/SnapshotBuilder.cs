using System.Security.Cryptography;
using System.Text;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Snapshots;

/// <summary>Small in-memory snapshots for reader tests; the manifest's hashes are those of the files as added.</summary>
internal sealed class SnapshotBuilder
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly List<ManifestCall> _calls = [];
    private readonly List<ManifestScope> _scopes = [];

    public SnapshotBuilder File(string path, string json)
    {
        _files[path] = Encoding.UTF8.GetBytes(json);
        return this;
    }

    public SnapshotBuilder Scope(string account, string region, string folder = "")
    {
        _scopes.Add(new ManifestScope(account, region, folder));
        return this;
    }

    public SnapshotBuilder FailedCall(string service, string operation, string errorCode, string message, string folder = "", string? target = null)
    {
        _calls.Add(new ManifestCall(folder, service, operation, target, null, "failed", 1, 3, 120, errorCode, message));
        return this;
    }

    public SnapshotFiles WithoutManifest() => new("hand-made", new Dictionary<string, byte[]>(_files), null);

    public SnapshotFiles WithManifest(Action<Dictionary<string, string>>? editHashes = null)
    {
        var hashes = _files.ToDictionary(f => f.Key, f => Sha256(f.Value), StringComparer.Ordinal);
        editHashes?.Invoke(hashes);
        var manifest = new SnapshotManifest(SnapshotManifest.CurrentFormat, "IsolationChecks test", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
            [.. _scopes], [.. _calls], hashes);
        return new SnapshotFiles("collected", new Dictionary<string, byte[]>(_files), manifest);
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public const string Vpcs = """
        { "Vpcs": [ { "VpcId": "vpc-0a1b2c3d4e5f60718", "CidrBlock": "10.0.0.0/16", "State": "available", "IsDefault": false,
                      "DhcpOptionsId": "dopt-1", "InstanceTenancy": "default", "OwnerId": "111111111111" } ] }
        """;

    public const string Subnets = """
        { "Subnets": [ { "SubnetId": "subnet-0123456789abcdef0", "VpcId": "vpc-0a1b2c3d4e5f60718", "CidrBlock": "10.0.1.0/24",
                         "AvailabilityZone": "ap-northeast-1a", "AvailabilityZoneId": "apne1-az4", "MapPublicIpOnLaunch": false,
                         "AvailableIpAddressCount": 250, "DefaultForAz": false, "Ipv6CidrBlockAssociationSet": [] } ] }
        """;

    public const string RouteTables = """
        { "RouteTables": [ { "RouteTableId": "rtb-0123456789abcdef0", "VpcId": "vpc-0a1b2c3d4e5f60718",
            "Associations": [ { "Main": false, "RouteTableAssociationId": "rtbassoc-1", "RouteTableId": "rtb-0123456789abcdef0",
                                "SubnetId": "subnet-0123456789abcdef0", "AssociationState": { "State": "associated" } } ],
            "PropagatingVgws": [],
            "Routes": [ { "DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active" } ] } ] }
        """;

    public const string CallerIdentity = """{ "UserId": "AIDAEXAMPLE", "Account": "111111111111", "Arn": "arn:aws:iam::111111111111:user/auditor" }""";
}
