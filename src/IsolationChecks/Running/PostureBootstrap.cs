using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Shapes;
using IsolationChecks.Evaluation.Addressing;
using IsolationChecks.Posture;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Running;

/// <summary>
/// `isolationchecks posture init`: a posture describing what a snapshot holds, so a new team starts from its own
/// environment instead of a blank file. Every generated section is listed in <c>review.pending</c> with what to check;
/// a gate refuses the posture until that list is empty. What cannot be discerned (GitLab hosts without a recognisable
/// name, probe credentials) is left out and listed there too. Pure: a snapshot in, the posture's JSON out.
/// </summary>
public static class PostureBootstrap
{
    public const string GeneratedBy = "isolationchecks posture init";

    /// <param name="from">"live" or the snapshot folder, recorded in the review block.</param>
    public static string Generate(Snapshot snapshot, string from, DateTimeOffset now)
    {
        var pending = new JsonArray();
        void Review(string path, string note) => pending.Add(new JsonObject { ["path"] = path, ["note"] = note });

        var names = AccountNames(snapshot);
        var posture = new JsonObject
        {
            ["$schema"] = "https://isolationchecks.example/schemas/posture.schema.json",
            ["version"] = PostureDocument.CurrentVersion,
            ["name"] = $"generated from {from}",
        };
        var review = new JsonObject { ["generatedBy"] = GeneratedBy, ["generatedAt"] = now.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ"), ["from"] = from, ["pending"] = pending };
        posture["review"] = review;
        Review("$.name", "name the environment (shown in every report)");

        var accounts = new JsonObject();
        foreach (var scope in snapshot.Scopes)
            accounts[names[scope]] = new JsonObject { ["accountId"] = scope.AccountId, ["region"] = scope.Region };
        posture["accounts"] = accounts;
        Review("$.accounts", $"the accounts found in the snapshot ({string.Join(", ", snapshot.Scopes.Select(s => $"{names[s]} {s.AccountId} {s.Region}"))}): "
                             + "rename them, add roleArn or profile for live runs, and confirm no account of the environment is missing");

        var build = BuildScope(snapshot);
        if (build is not null)
            posture["build"] = Build(build, names[build], Review);
        else
            Review("$.build", "no CodeBuild project was found: add a build section naming the build account and its projects (docs/posture.md)");

        var natGateways = NatGateways(snapshot, build, names);
        posture["natGateways"] = natGateways;
        Review("$.natGateways", "the available NAT gateways outside the build account, taken as the dev side's only egress (GL-1 admits their public IPs, IAM-3 lets pushes come only from them): keep exactly those");

        if (snapshot.Scopes.FirstOrDefault(s => Seen(s.Ecr.Repositories).Count > 0) is { } ecr)
        {
            posture["ecr"] = new JsonObject
            {
                ["account"] = names[ecr],
                ["repositories"] = Strings(Seen(ecr.Ecr.Repositories).Select(r => r.RepositoryName)),
                ["allowedPrincipalAccounts"] = Strings([ecr.AccountId]),
                ["publicRepositoriesAllowed"] = Strings(PublicRepositories(ecr)),
            };
            Review("$.ecr", "the private repositories found (each must exist from now on), the accounts their policies may grant to (only this one so far), "
                            + "and the ECR Public repositories found, which this ALLOWS: remove any that must not be public");
        }

        if (GitLab(snapshot, names) is { } gitLab)
        {
            posture["gitLab"] = gitLab.Section;
            Review("$.gitLab", $"the GitLab host(s) recognised by name ({gitLab.Found}) and the sources their security groups admit today besides the NAT gateways ({gitLab.Sources}): "
                               + "keep only the declared work terminals");
        }
        else
            Review("$.gitLab", "no GitLab host was recognised (an instance tagged Name=*gitlab*, or a load balancer named *gitlab*): add the gitLab section with its hosts (docs/posture.md); GL-1 and GL-2 are inconclusive until then");

        var codeCommit = CodeCommit(snapshot, names, out var unbound, out var unreadable);
        var undeclared = (unbound.Count == 0 ? "" : $"; also granted Git access without a source-address condition, NOT declared (IAM-1..IAM-3 do not judge them): {string.Join(", ", unbound)}")
                         + (unreadable.Count == 0 ? "" : $"; NOT read, so not declared even if they have Git access: {string.Join(", ", unreadable)} (a managed policy attached to them, "
                                                          + "directly or through a group, or one of their groups, is missing from the IAM details: collect iam get-account-authorization-details again, then review them by hand)");
        if (codeCommit is not null)
        {
            posture["codeCommit"] = codeCommit;
            Review("$.codeCommit", "the principals whose policies grant codecommit:GitPush (push) or only GitPull (pull) from given source addresses, the repositories "
                                   + "those policies name, and the addresses the pull policies allow: confirm each" + undeclared);
        }
        else
            Review("$.codeCommit", "no principal granted codecommit:GitPush or GitPull was found: add the codeCommit section (push and pull principals, mirrored repositories, isolated CIDRs)" + undeclared);

        if (Connections(snapshot, names) is { } connections)
        {
            posture["connections"] = connections;
            Review("$.connections", "the GitLab self-managed CodeConnections hosts found: each must exist from now on");
        }

        if (GitProbe(snapshot) is { } gitProbe)
        {
            posture["gitProbe"] = gitProbe;
            Review("$.gitProbe", "taken from the snapshot's Git probe record (probes/git-push-refusal.json): confirm the mirror's URL, the branch and where the pull credentials come from");
        }
        else
            Review("$.gitProbe", "not generated (no Git probe record in the snapshot): add a gitProbe section (the mirror's URL, how to get the pull credentials) for GIT-1, or exclude GIT-1 with the reason");

        if (InVpcProbes(snapshot) is { } inVpc)
        {
            posture["inVpcProbes"] = inVpc;
            Review("$.inVpcProbes", "taken from the snapshot's in-VPC probe record (probes/in-vpc.json): confirm the internet canaries and the service names builds need");
        }
        else
            Review("$.inVpcProbes", "not generated (no in-VPC probe record in the snapshot): add inVpcProbes (internet canaries, service hosts) for NET-1..NET-3, or exclude them with the reason");

        posture["waivers"] = new JsonArray();
        return posture.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>Names by role where one is clear (the build account, the GitLab account), else by account id.</summary>
    private static Dictionary<ScopeSnapshot, string> AccountNames(Snapshot snapshot)
    {
        var names = new Dictionary<ScopeSnapshot, string>();
        var build = BuildScope(snapshot);
        foreach (var scope in snapshot.Scopes)
        {
            var role = scope == build ? "build" : Instances(scope).Any(IsGitLab) ? "gitlab" : $"account-{scope.AccountId}";
            var name = names.ContainsValue(role) ? $"{role}-{scope.AccountId}-{scope.Region}" : role;
            names[scope] = name;
        }

        return names;
    }

    private static ScopeSnapshot? BuildScope(Snapshot snapshot) =>
        snapshot.Scopes.Where(s => Seen(s.CodeBuild.Projects).Count > 0).OrderByDescending(s => Seen(s.CodeBuild.Projects).Count).FirstOrDefault();

    private static JsonObject Build(ScopeSnapshot scope, string account, Action<string, string> review)
    {
        var projects = Seen(scope.CodeBuild.Projects);
        var vpcs = projects.Select(p => p.VpcConfig?.VpcId).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var privileged = projects.Where(p => p.Environment.PrivilegedMode == true).Select(p => p.Name).ToList();
        var endpoints = Seen(scope.Ec2.VpcEndpoints)
            .Where(e => vpcs.Contains(e.VpcId, StringComparer.Ordinal) && e.State.Equals("available", StringComparison.OrdinalIgnoreCase))
            .Select(e => ShortName(e.ServiceName, scope.Region)).OfType<string>()
            .Union(PostureDocument.DefaultRequiredEndpoints, StringComparer.Ordinal)
            .Where(EndpointServices.IsKnown)
            .Distinct(StringComparer.Ordinal).ToList();
        review("$.build", $"the {projects.Count} CodeBuild project(s) of {account} (each must exist from now on; every project of the account is judged), the build VPCs "
                          + $"their VPC configurations use ({(vpcs.Count == 0 ? "none: a project outside any VPC fails CB-1" : string.Join(", ", vpcs))}), "
                          + $"and the endpoint services required there (those found, plus the defaults)");
        if (privileged.Count > 0)
            review("$.build.privilegedModeAllowed", $"ACCEPTS A RISK: {string.Join(", ", privileged)} run(s) privileged today and are ALLOWED here; keep only the image builds that must");
        return new JsonObject
        {
            ["account"] = account,
            ["projects"] = Strings(projects.Select(p => p.Name)),
            ["vpcs"] = Strings(vpcs),
            ["privilegedModeAllowed"] = Strings(privileged),
            ["approvedEgress"] = new JsonArray(),
            ["requiredEndpoints"] = Strings(endpoints),
        };
    }

    private static string? ShortName(string serviceName, string region)
    {
        var prefix = $"com.amazonaws.{region}.";
        return serviceName.StartsWith(prefix, StringComparison.Ordinal) ? serviceName[prefix.Length..] : null;
    }

    private static JsonArray NatGateways(Snapshot snapshot, ScopeSnapshot? build, Dictionary<ScopeSnapshot, string> names)
    {
        var outside = snapshot.Scopes.Where(s => s != build || snapshot.Scopes.Count == 1);
        return new JsonArray(outside
            .SelectMany(s => Seen(s.Ec2.NatGateways).Where(n => n.State == "available" && n.ConnectivityType is null or "public")
                .Select(n => (JsonNode)new JsonObject { ["id"] = n.NatGatewayId, ["account"] = names[s] }))
            .ToArray());
    }

    private static IEnumerable<string> PublicRepositories(ScopeSnapshot scope) =>
        scope.Read<DescribePublicRepositoriesOutput>(Aws.Calls.AwsCalls.DescribePublicRepositories).Peek(out var output, out _)
            ? output.Repositories.Select(r => r.RepositoryName)
            : [];

    private static IEnumerable<Instance> Instances(ScopeSnapshot scope) => Seen(scope.Ec2.Reservations).SelectMany(r => r.Instances);

    private static bool IsGitLab(Instance instance) =>
        instance.Tags?.Any(t => t.Key == "Name" && t.Value.Contains("gitlab", StringComparison.OrdinalIgnoreCase)) == true;

    private static (JsonObject Section, string Found, string Sources)? GitLab(Snapshot snapshot, Dictionary<ScopeSnapshot, string> names)
    {
        foreach (var scope in snapshot.Scopes)
        {
            var hosts = Instances(scope).Where(i => IsGitLab(i) && i.State.Name == "running").ToList();
            if (hosts.Count == 0)
                continue;
            var natIps = snapshot.Scopes.SelectMany(s => Seen(s.Ec2.NatGateways)).SelectMany(n => n.NatGatewayAddresses).Select(a => a.PublicIp).OfType<string>()
                .Select(ip => $"{ip}/32").ToHashSet(StringComparer.Ordinal);
            var groups = hosts.SelectMany(h => h.SecurityGroups.Select(g => g.GroupId)).ToHashSet(StringComparer.Ordinal);
            var sources = Seen(scope.Ec2.SecurityGroups).Where(g => groups.Contains(g.GroupId))
                .SelectMany(g => g.IpPermissions).SelectMany(p => p.IpRanges.Select(r => r.CidrIp))
                .Where(c => !natIps.Contains(c) && Cidr.TryParse(c, out var cidr) && !IsWide(cidr!))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            return (new JsonObject
            {
                ["account"] = names[scope],
                ["hosts"] = new JsonArray(hosts.Select(h => (JsonNode)new JsonObject { ["instanceId"] = h.InstanceId }).ToArray()),
                ["allowedCidrs"] = Strings(sources),
                ["allowedSecurityGroups"] = new JsonArray(),
            }, string.Join(", ", hosts.Select(h => h.InstanceId)), sources.Count == 0 ? "none" : string.Join(", ", sources));
        }

        return null;
    }

    /// <summary>Wider than the posture accepts without a reason (SourceAllowlist): never carried over; GL-1 fails on it until narrowed.</summary>
    private static bool IsWide(Cidr cidr) => cidr.PrefixLength < (cidr.Family == System.Net.Sockets.AddressFamily.InterNetwork ? 16 : 48);

    private static JsonObject? CodeCommit(Snapshot snapshot, Dictionary<ScopeSnapshot, string> names, out IReadOnlyList<string> unbound, out IReadOnlyList<string> unreadable)
    {
        unbound = [];
        unreadable = [];
        foreach (var scope in snapshot.Scopes)
        {
            if (!scope.Iam.Peek(out var iam, out _))
                continue;
            var managed = iam.Policies.ToDictionary(p => p.Arn, p => p.PolicyVersionList.Where(v => v.IsDefaultVersion).Select(v => v.Document).ToList(), StringComparer.Ordinal);
            var groups = iam.GroupDetailList.ToDictionary(g => g.GroupName, g => g, StringComparer.Ordinal);
            var principals = iam.UserDetailList.Select(u => (u.Arn, Documents: u.UserPolicyList?.Select(p => p.PolicyDocument).ToList() ?? [],
                    Attached: u.AttachedManagedPolicies.Concat(u.GroupList.Where(groups.ContainsKey).SelectMany(g => groups[g].AttachedManagedPolicies)).ToList(),
                    Groups: u.GroupList.Where(groups.ContainsKey).SelectMany(g => groups[g].GroupPolicyList.Select(p => p.PolicyDocument)).ToList(),
                    GroupsMissing: !u.GroupList.All(groups.ContainsKey)))
                .Concat(iam.RoleDetailList.Select(r => (r.Arn, Documents: r.RolePolicyList.Select(p => p.PolicyDocument).ToList(), Attached: r.AttachedManagedPolicies.ToList(), Groups: new List<JsonElement>(), GroupsMissing: false)))
                .ToList();
            // A principal whose attached policy or group is missing from the details cannot be read whole: named, never judged on a part.
            bool Whole((string Arn, List<JsonElement> Documents, List<AttachedPolicy> Attached, List<JsonElement> Groups, bool GroupsMissing) p) =>
                !p.GroupsMissing && p.Attached.All(a => managed.ContainsKey(a.PolicyArn));
            unreadable = [.. unreadable, .. principals.Where(p => !Whole(p)).Select(p => p.Arn)];
            var readable = principals.Where(Whole)
                .Select(p => (p.Arn, Statements: p.Documents.Concat(p.Groups).Concat(p.Attached.SelectMany(a => managed[a.PolicyArn])).SelectMany(Statements).ToList()))
                .ToList();
            // The mirror's principals are the ones whose Git access is bound to source addresses (the NAT gateways, the isolated
            // terminals); others granted Git access (a build's service role, reaching CodeCommit through an endpoint) are named for review.
            var git = readable.Where(p => p.Statements.Any(s => s.Allows("codecommit:GitPush") || s.Allows("codecommit:GitPull"))).ToList();
            var bound = git.Where(p => p.Statements.Where(s => s.Allows("codecommit:GitPush") || s.Allows("codecommit:GitPull")).All(s => s.SourceIps.Count > 0)).ToList();
            var push = bound.Where(p => p.Statements.Any(s => s.Allows("codecommit:GitPush"))).ToList();
            var pull = bound.Where(p => !push.Contains(p) && p.Statements.Any(s => s.Allows("codecommit:GitPull"))).ToList();
            unbound = git.Except(bound).Select(p => p.Arn).ToList();
            if (push.Count == 0 && pull.Count == 0)
                continue;
            var repositories = push.Concat(pull).SelectMany(p => p.Statements.Where(s => s.Allows("codecommit:GitPull") || s.Allows("codecommit:GitPush")))
                .SelectMany(s => s.Resources).Select(r => r.Split(':')).Where(parts => parts.Length == 6 && parts[2] == "codecommit" && parts[5] != "*")
                .Select(parts => parts[5]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var isolated = pull.SelectMany(p => p.Statements.Where(s => s.Allows("codecommit:GitPull")).SelectMany(s => s.SourceIps))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            return new JsonObject
            {
                ["account"] = names[scope],
                ["mirroredRepositories"] = Strings(repositories),
                ["pushPrincipals"] = Strings(push.Select(p => p.Arn)),
                ["pullPrincipals"] = Strings(pull.Select(p => p.Arn)),
                ["isolatedSourceCidrs"] = Strings(isolated),
            };
        }

        return null;
    }

    private static JsonObject? Connections(Snapshot snapshot, Dictionary<ScopeSnapshot, string> names)
    {
        foreach (var scope in snapshot.Scopes)
        {
            if (!scope.Read<HostListing>(Aws.Calls.AwsCalls.ListHosts).Peek(out var listing, out _))
                continue;
            var hosts = listing.Hosts.Where(h => h.ProviderType == "GitLabSelfManaged").Select(h => h.HostArn).ToList();
            if (hosts.Count > 0)
                return new JsonObject { ["account"] = names[scope], ["hosts"] = Strings(hosts) };
        }

        return null;
    }

    /// <summary>The Git probe as the snapshot's record ran it: URL, branch, and the credentials' reference (env:USER/PASSWORD or aws-profile:NAME).</summary>
    private static JsonObject? GitProbe(Snapshot snapshot)
    {
        if (!snapshot.ReadProbe<Git.GitProbeRecord>(ProbeDocuments.GitPushRefusal).Peek(out var record, out _))
            return null;
        var credentials = new JsonObject();
        var source = record.CredentialSource ?? "";
        if (source.StartsWith("env:", StringComparison.Ordinal) && source[4..].Split('/') is [var user, var password])
        {
            credentials["usernameEnv"] = user;
            credentials["passwordEnv"] = password;
        }
        else if (source.StartsWith("aws-profile:", StringComparison.Ordinal))
            credentials["awsProfile"] = source["aws-profile:".Length..].Split(' ')[0];
        else
            return null;
        return new JsonObject { ["repositoryUrl"] = record.RepositoryUrl, ["expectedBranch"] = record.ExpectedBranch, ["credentials"] = credentials };
    }

    private static JsonObject? InVpcProbes(Snapshot snapshot) =>
        snapshot.ReadProbe<Probes.InVpcProbeRecord>(ProbeDocuments.InVpc).Peek(out var record, out _)
            ? new JsonObject
            {
                ["enabled"] = true,
                ["internetCanaries"] = Strings(record.Canaries.Select(c => c.Target)),
                ["serviceHosts"] = Strings(record.ServiceHosts.Select(h => h.Host)),
                ["timeoutSeconds"] = record.TimeoutSeconds,
            }
            : null;

    /// <summary>An Allow statement's actions, resources and aws:SourceIp values, read loosely: a draft for a person to check.</summary>
    private sealed record Statement(IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, IReadOnlyList<string> SourceIps)
    {
        public bool Allows(string action) => Actions.Any(a => Evaluation.Policies.Wildcard.Matches(a, action, ignoreCase: true));
    }

    private static IEnumerable<Statement> Statements(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object || !document.TryGetProperty("Statement", out var statements))
            yield break;
        foreach (var statement in statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray() : Enumerable.Repeat(statements, 1))
        {
            if (statement.ValueKind != JsonValueKind.Object || !statement.TryGetProperty("Effect", out var effect) || effect.GetString() != "Allow")
                continue;
            var ips = statement.TryGetProperty("Condition", out var condition) && condition.ValueKind == JsonValueKind.Object
                ? condition.EnumerateObject().Where(o => o.Name.StartsWith("IpAddress", StringComparison.Ordinal) && o.Value.ValueKind == JsonValueKind.Object)
                    .SelectMany(o => o.Value.EnumerateObject().Where(k => k.Name.Equals("aws:SourceIp", StringComparison.OrdinalIgnoreCase)).SelectMany(k => Texts(k.Value)))
                    .ToList()
                : [];
            yield return new Statement(Member(statement, "Action"), Member(statement, "Resource"), ips);
        }
    }

    private static IReadOnlyList<string> Member(JsonElement statement, string name) =>
        statement.TryGetProperty(name, out var value) ? Texts(value).ToList() : [];

    private static IEnumerable<string> Texts(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!),
        _ => [],
    };

    private static IReadOnlyList<T> Seen<T>(Collected<IReadOnlyList<T>> collected) => collected.Peek(out var value, out _) ? value : [];

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
