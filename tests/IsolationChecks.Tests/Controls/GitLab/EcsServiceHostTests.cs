using System.Text.Json.Nodes;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.GitLab.GL1_IngressAllowlist;
using IsolationChecks.Controls.GitLab.GL2_NoPathFromInternet;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Controls.GitLab;

/// <summary>
/// GitLab as an ECS service on Fargate: the host is the network interface of each task the service runs, plus the security
/// groups the service gives new tasks. The task's interface sits in gitlab-private-1a with public IP 198.51.100.42.
/// </summary>
public class EcsServiceHostTests
{
    private const string ServiceArn = "arn:aws:ecs:ap-northeast-1:111111111111:service/gitlab/gitlab-web";
    private const string TaskArn = "arn:aws:ecs:ap-northeast-1:111111111111:task/gitlab/0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private const string TaskGroup = "sg-0c1d2e3f4a5b6c7d8";
    private const string TaskInterface = "eni-0c0ffee0c0ffee001";
    private const string Services = ReferenceVariant.Dev + "ecs/describe-services/gitlab/gitlab-web.json";
    private const string TaskList = ReferenceVariant.Dev + "ecs/list-tasks/gitlab/gitlab-web.json";
    private const string Tasks = ReferenceVariant.Dev + "ecs/describe-tasks/gitlab/gitlab-web.json";

    private static string Service(string status = "ACTIVE", string groups = $"\"{TaskGroup}\"") => $$$"""
        {"services":[{"serviceName":"gitlab-web","serviceArn":"{{{ServiceArn}}}","clusterArn":"arn:aws:ecs:ap-northeast-1:111111111111:cluster/gitlab",
          "status":"{{{status}}}","desiredCount":1,"runningCount":1,"launchType":"FARGATE",
          "networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-00344aeac69be4126"],"securityGroups":[{{{groups}}}],"assignPublicIp":"ENABLED"} } }],
         "failures":[]}
        """;

    private static string Task(string arn = TaskArn, string group = "service:gitlab-web", string attachments = $$"""
        [{"id":"6d3b1c9e-0000-4000-8000-000000000001","type":"ElasticNetworkInterface","status":"ATTACHED","details":[
          {"name":"subnetId","value":"subnet-00344aeac69be4126"},{"name":"networkInterfaceId","value":"{{TaskInterface}}"},
          {"name":"privateIPv4Address","value":"10.10.10.31"}]}]
        """) => $$"""
        {"taskArn":"{{arn}}","clusterArn":"arn:aws:ecs:ap-northeast-1:111111111111:cluster/gitlab","group":"{{group}}",
         "lastStatus":"RUNNING","desiredStatus":"RUNNING","launchType":"FARGATE","attachments":{{attachments}}}
        """;

    /// <summary>The reference with GitLab declared as the ECS service gitlab/gitlab-web, whose task group admits <paramref name="sources"/> on 443.</summary>
    private static ReferenceVariant WithService(params string[] sources) => ReferenceVariant.Load()
        .Edit("posture.json", p => p["gitLab"]!["hosts"] = new JsonArray(JsonNode.Parse("""{"ecsService":{"cluster":"gitlab","service":"gitlab-web"}}""")))
        .Put(Services, Service())
        .Put(TaskList, $$"""{"taskArns":["{{TaskArn}}"]}""")
        .Put(Tasks, $$"""{"tasks":[{{Task()}}],"failures":[]}""")
        .Edit(ReferenceVariant.Dev + "SecurityGroups.json", sg => sg["SecurityGroups"]!.AsArray().Add(Group(TaskGroup, "gitlab-task-sg", 443, sources)))
        .Edit(ReferenceVariant.Dev + "NetworkInterfaces.json", n => n["NetworkInterfaces"]!.AsArray().Add(JsonNode.Parse($$$"""
            {"NetworkInterfaceId":"{{{TaskInterface}}}","SubnetId":"subnet-00344aeac69be4126","VpcId":"vpc-09e8a6b349374e463","AvailabilityZone":"ap-northeast-1a","InterfaceType":"interface","Ipv6Addresses":[],
             "Description":"arn:aws:ecs:ap-northeast-1:111111111111:attachment/6d3b1c9e-0000-4000-8000-000000000001","PrivateIpAddress":"10.10.10.31",
             "RequesterManaged":true,"Association":{"PublicIp":"198.51.100.42","IpOwnerId":"amazon"},
             "PrivateIpAddresses":[{"PrivateIpAddress":"10.10.10.31","Primary":true,"Association":{"PublicIp":"198.51.100.42","IpOwnerId":"amazon"}}],
             "Groups":[{"GroupId":"{{{TaskGroup}}}","GroupName":"gitlab-task-sg"}],"Status":"in-use"}
            """)));

    private static JsonNode Group(string id, string name, int port, IEnumerable<string> sources) => new JsonObject
    {
        ["GroupId"] = id,
        ["GroupName"] = name,
        ["VpcId"] = "vpc-09e8a6b349374e463",
        ["IpPermissions"] = new JsonArray(new JsonObject
        {
            ["IpProtocol"] = "tcp", ["FromPort"] = port, ["ToPort"] = port,
            ["IpRanges"] = new JsonArray(sources.Select(c => (JsonNode)new JsonObject { ["CidrIp"] = c }).ToArray()),
            ["Ipv6Ranges"] = new JsonArray(), ["PrefixListIds"] = new JsonArray(), ["UserIdGroupPairs"] = new JsonArray(),
        }),
        ["IpPermissionsEgress"] = new JsonArray(),
    };

    private static (Finding Gl1, Finding Gl2) Verdicts(ReferenceVariant variant) =>
        (variant.Evaluate<IngressAllowlist>().Single(), variant.Evaluate<NoPathFromInternet>().Single());

    [Test]
    public void A_service_whose_tasks_admit_only_the_allowed_sources_passes_both_controls()
    {
        var (gl1, gl2) = Verdicts(WithService("198.51.100.20/32", "192.0.2.0/28"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gl1.Status, Is.EqualTo(Status.Pass), gl1.Message);
            Assert.That(gl1.Resource.Id, Is.EqualTo(ServiceArn));
            Assert.That(gl1.Resource.Name, Is.EqualTo("gitlab/gitlab-web"));
            Assert.That(gl1.Message, Does.Contain(TaskGroup));
            Assert.That(gl1.Evidence.Select(e => e.Fact), Has.Some.Contains("task 0f1e2d3c4b5a69788796a5b4c3d2e1f0, subnet subnet-00344aeac69be4126"));
            Assert.That(gl1.Evidence.Select(e => e.Source), Has.Some.EqualTo(Tasks).And.Some.EqualTo(Services));
            Assert.That(gl2.Status, Is.EqualTo(Status.Pass), gl2.Message);
        }
    }

    [Test]
    public void A_task_open_to_the_world_fails_both_controls_with_the_path()
    {
        var (gl1, gl2) = Verdicts(WithService("198.51.100.20/32", "0.0.0.0/0"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gl1.Status, Is.EqualTo(Status.Fail));
            Assert.That(gl1.Message, Does.Contain($"{TaskGroup} (gitlab-task-sg) on {TaskInterface} admits tcp 443 from 0.0.0.0/0"));
            Assert.That(gl2.Status, Is.EqualTo(Status.Fail));
            Assert.That(gl2.Message, Does.Contain("public IP 198.51.100.42 maps to 10.10.10.31"));
        }
    }

    [Test]
    public void A_group_the_service_gives_new_tasks_is_judged_before_any_task_carries_it()
    {
        const string Next = "sg-0d1e2f3a4b5c6d7e8";
        var variant = WithService("198.51.100.20/32")
            .Put(Services, Service(groups: $"\"{TaskGroup}\",\"{Next}\""))
            .Edit(ReferenceVariant.Dev + "SecurityGroups.json", sg => sg["SecurityGroups"]!.AsArray().Add(Group(Next, "gitlab-next-sg", 80, ["0.0.0.0/0"])));

        var (gl1, _) = Verdicts(variant);

        Assert.That(gl1.Status, Is.EqualTo(Status.Fail));
        Assert.That(gl1.Message, Does.Contain($"{Next} (gitlab-next-sg) on ECS service gitlab/gitlab-web admits tcp 80 from 0.0.0.0/0"));
    }

    [Test]
    public void Tasks_of_another_group_in_the_listing_are_not_the_service()
    {
        const string Stray = "arn:aws:ecs:ap-northeast-1:111111111111:task/gitlab/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        var variant = WithService("198.51.100.20/32")
            .Put(TaskList, $$"""{"taskArns":["{{TaskArn}}","{{Stray}}"]}""")
            .Put(Tasks, $$"""{"tasks":[{{Task()}},{{Task(Stray, "family:debug", "[]")}}],"failures":[]}""");

        var (gl1, _) = Verdicts(variant);

        Assert.That(gl1.Status, Is.EqualTo(Status.Pass), gl1.Message);
        Assert.That(gl1.Evidence.Select(e => e.Fact), Has.Some.Contains("1 listed task(s) of other groups ignored"));
    }

    [TestCase("missing-service", "does not describe service gitlab-web of cluster gitlab (failure: MISSING)")]
    [TestCase("inactive", "the service is INACTIVE, not ACTIVE")]
    [TestCase("no-tasks", "list-tasks shows no running task")]
    [TestCase("no-task-interface", "has no task network interface (awsvpc network mode)")]
    [TestCase("interface-being-created", "network interface is not created yet (attachment status PRECREATED)")]
    [TestCase("interface-not-described", $"the task network interface(s) {TaskInterface} are not in describe-network-interfaces")]
    [TestCase("task-of-other-group", "describes none of the 1 listed task(s) as a task of service:gitlab-web")]
    [TestCase("no-list-tasks", "ecs:ListTasks was not collected")]
    [TestCase("no-describe-tasks", "ecs:DescribeTasks was not collected")]
    [TestCase("no-describe-services", "ecs:DescribeServices was not collected")]
    public void A_service_that_cannot_be_resolved_is_inconclusive_for_both_controls(string drift, string expected)
    {
        var variant = WithService("198.51.100.20/32");
        _ = drift switch
        {
            "missing-service" => variant.Put(Services, $$"""{"services":[],"failures":[{"arn":"{{ServiceArn}}","reason":"MISSING"}]}"""),
            "inactive" => variant.Put(Services, Service(status: "INACTIVE")),
            "no-tasks" => variant.Put(TaskList, """{"taskArns":[]}""").Delete(Tasks),
            "no-task-interface" => variant.Put(Tasks, $$"""{"tasks":[{{Task(attachments: "[]")}}],"failures":[]}"""),
            "interface-being-created" => variant.Put(Tasks, $$"""{"tasks":[{{Task(attachments: "[{\"type\":\"ElasticNetworkInterface\",\"status\":\"PRECREATED\",\"details\":[]}]")}}],"failures":[]}"""),
            "interface-not-described" => variant.Edit(ReferenceVariant.Dev + "NetworkInterfaces.json",
                n => n["NetworkInterfaces"]!.AsArray().RemoveAt(n["NetworkInterfaces"]!.AsArray().Count - 1)),
            "task-of-other-group" => variant.Put(Tasks, $$"""{"tasks":[{{Task(group: "family:gitlab")}}],"failures":[]}"""),
            "no-list-tasks" => variant.Delete(TaskList),
            "no-describe-tasks" => variant.Delete(Tasks),
            "no-describe-services" => variant.Delete(Services),
            _ => throw new ArgumentOutOfRangeException(nameof(drift)),
        };

        var (gl1, gl2) = Verdicts(variant);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(gl1.Status, Is.EqualTo(Status.Inconclusive), gl1.Message);
            Assert.That(gl1.Message, Does.Contain(expected));
            Assert.That(gl2.Status, Is.EqualTo(Status.Inconclusive), gl2.Message);
            Assert.That(gl2.Message, Is.EqualTo(gl1.Message));
        }
    }
}
