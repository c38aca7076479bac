using IsolationChecks.Aws.Shapes;
using static IsolationChecks.Tests.Support.NetworkScope;

namespace IsolationChecks.Tests.Support;

/// <summary>
/// A hand-drawn build VPC that every network control passes, for tests to break one thing at a time:
/// <code>
/// vpc-build 10.0.0.0/16, 2600:1f18:aaaa::/56           igw-build attached, nat-public in subnet-public
///   subnet-build-a 10.0.1.0/24 (1a) ┐ rtb-private: local, pl-s3 -> vpce-s3
///   subnet-build-c 10.0.2.0/24 (1c) ┘
///   subnet-endpoints 10.0.10.0/24 (1a)  rtb-private too; eni-logs-a 10.0.10.10, eni-logs-c in subnet-endpoints-c
///   subnet-endpoints-c 10.0.11.0/24 (1c)
///   subnet-public 10.0.100.0/24 (1a)   rtb-public: local, 0.0.0.0/0 -> igw-build
///   (main table rtb-main: local only; default ACL acl-default allows everything)
/// sg-build: egress all to 0.0.0.0/0 (the usual default); sg-endpoint: ingress tcp 443 from sg-build
/// </code>
/// </summary>
public static class BuildNetwork
{
    public const string VpcId = "vpc-build";
    public const string BuildA = "subnet-build-a";
    public const string BuildC = "subnet-build-c";
    public const string Endpoints = "subnet-endpoints";
    public const string EndpointsC = "subnet-endpoints-c";
    public const string Public = "subnet-public";
    public const string BuildGroup = "sg-build";
    public const string EndpointGroup = "sg-endpoint";
    public const string Igw = "igw-build";
    public const string Nat = "nat-public";
    public const string S3List = "pl-s3";
    public const string Region = "ap-northeast-1";

    public static Project Project(string name = "app-build") => new(name, $"arn:aws:codebuild:{Region}:222222222222:project/{name}", Environment(),
        VpcConfig: new ProjectVpcConfig(VpcId, [BuildA, BuildC], [BuildGroup]));

    /// <summary>A project's environment as batch-get-projects prints it.</summary>
    public static ProjectEnvironment Environment(bool? privileged = false) => new("LINUX_CONTAINER", "aws/codebuild/standard:7.0", "BUILD_GENERAL1_SMALL", privileged);

    public static NetworkScope Compliant(params string[] endpointServices)
    {
        var network = new NetworkScope();
        network.Vpcs.Add(new Vpc(VpcId, "10.0.0.0/16", "available"));
        network.Subnets.AddRange([
            NetworkScope.Subnet(BuildA, VpcId, "10.0.1.0/24", "ap-northeast-1a", Ipv6CidrBlockAssociationSet: [new Ipv6CidrBlockAssociation("2600:1f18:aaaa:1::/64", "a6")]),
            NetworkScope.Subnet(BuildC, VpcId, "10.0.2.0/24", "ap-northeast-1c"),
            NetworkScope.Subnet(Endpoints, VpcId, "10.0.10.0/24", "ap-northeast-1a"),
            NetworkScope.Subnet(EndpointsC, VpcId, "10.0.11.0/24", "ap-northeast-1c"),
            NetworkScope.Subnet(Public, VpcId, "10.0.100.0/24", "ap-northeast-1a"),
        ]);
        network.RouteTables.AddRange([
            new RouteTable("rtb-private", VpcId,
                [Local("10.0.0.0/16"), NetworkScope.RouteTo("2600:1f18:aaaa::/56", GatewayId: "local"),
                 NetworkScope.RouteTo(S3List, GatewayId: "vpce-s3")],
                [Association(BuildA), Association(BuildC), Association(Endpoints), Association(EndpointsC)]),
            new RouteTable("rtb-public", VpcId, [Local("10.0.0.0/16"), NetworkScope.RouteTo("0.0.0.0/0", GatewayId: Igw)], [Association(Public)]),
            new RouteTable("rtb-main", VpcId, [Local("10.0.0.0/16")], [MainAssociation()]),
        ]);
        network.NetworkAcls.Add(OpenAcl("acl-default", VpcId, isDefault: true, BuildA, BuildC, Endpoints, EndpointsC, Public));
        network.SecurityGroups.AddRange([
            NetworkScope.Group(BuildGroup, "build", VpcId, IpPermissionsEgress: [AllTo("0.0.0.0/0"), AllTo("::/0")]),
            NetworkScope.Group(EndpointGroup, "endpoints", VpcId, IpPermissions: [TcpFromGroup(443, BuildGroup)], IpPermissionsEgress: [AllTo("0.0.0.0/0")]),
        ]);
        network.InternetGateways.Add(new InternetGateway(Igw, [new GatewayAttachment(VpcId, "available")]));
        network.NatGateways.Add(NetworkScope.PublicNat(Nat, VpcId, Public, "203.0.113.5"));
        network.PrefixLists[S3List] = [new PrefixListEntry("52.219.0.0/20"), new PrefixListEntry("3.5.152.0/21")];
        network.Projects.Add(Project());
        network.VpcEndpoints.Add(NetworkScope.Endpoint("vpce-s3", "Gateway", VpcId, $"com.amazonaws.{Region}.s3", RouteTableIds: ["rtb-private"]));
        foreach (var service in endpointServices.Length > 0 ? endpointServices : ["ecr.api", "ecr.dkr", "logs", "sts"])
            AddInterfaceEndpoint(network, service);
        return network;
    }

    public static void AddInterfaceEndpoint(NetworkScope network, string service)
    {
        var index = network.VpcEndpoints.Count;
        var id = $"vpce-{service.Replace('.', '-')}";
        var enis = new[] { ($"eni-{service}-a", Endpoints, $"10.0.10.{10 + index}", "ap-northeast-1a"), ($"eni-{service}-c", EndpointsC, $"10.0.11.{10 + index}", "ap-northeast-1c") };
        foreach (var (eni, subnet, ip, zone) in enis)
            network.NetworkInterfaces.Add(Interface(eni, subnet, VpcId, ip, [EndpointGroup], zone: zone, type: "vpc_endpoint") with
            {
                Description = $"VPC Endpoint Interface {id}", RequesterManaged = true,
            });
        network.VpcEndpoints.Add(NetworkScope.Endpoint(id, "Interface", VpcId, $"com.amazonaws.{Region}.{service}",
            SubnetIds: [Endpoints, EndpointsC], Groups: [new SecurityGroupIdentifier(EndpointGroup)], PrivateDnsEnabled: true,
            NetworkInterfaceIds: enis.Select(e => e.Item1).ToList()));
    }
}
