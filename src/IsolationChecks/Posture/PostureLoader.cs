using System.Text.Json;
using IsolationChecks.Snapshots.Json;
using F = IsolationChecks.Posture.PostureFormats;

namespace IsolationChecks.Posture;

/// <summary>Loads and strictly validates a posture file; bad input throws <see cref="InputException"/>.</summary>
/// <remarks>
/// The loader is the validator: every member, type, format and reference is checked here, with the JSON path of the
/// offending value. schemas/posture.schema.json describes the same document for editors; a test keeps them in step.
/// </remarks>
public static class PostureLoader
{
    public static PostureDocument Parse(byte[] json, string fileName) => Parse(json, fileName, accepted: null);

    public static async Task<PostureDocument> LoadAsync(string path, CancellationToken cancellationToken) =>
        Parse(await File.ReadAllBytesAsync(path, cancellationToken), path);

    internal static PostureDocument Parse(byte[] json, string fileName, AcceptedMembers? accepted)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(SnapshotJson.StripBom(json), new JsonDocumentOptions
            {
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Disallow,
                AllowDuplicateProperties = false,
            });
        }
        catch (JsonException e)
        {
            throw SnapshotJson.Malformed(fileName, e);
        }

        using (document)
        {
            var context = new PostureParseContext(fileName, accepted);
            return ReadDocument(new PostureJsonNode(document.RootElement, "$", "$", context));
        }
    }

    private static PostureDocument ReadDocument(PostureJsonNode node)
    {
        var root = node.Object("$schema", "version", "name", "accounts", "build", "natGateways", "ecr", "gitLab", "codeCommit",
            "gitProbe", "connections", "inVpcProbes", "waivers");
        root.Optional("$schema", n => n.String());
        var version = root.Required("version", $"the posture format version: {PostureDocument.CurrentVersion}");
        if (version.Element.ValueKind != JsonValueKind.Number || !version.Element.TryGetInt32(out var v) || v != PostureDocument.CurrentVersion)
            throw version.Error($"{PostureDocument.CurrentVersion} (the only posture format version this tool reads)");

        var name = root.Required("name", "a non-empty string naming the environment", n => n.String());
        var accounts = root.Required("accounts", "an object mapping account names to {accountId, region}", ReadAccounts);
        return new PostureDocument(
            PostureDocument.CurrentVersion,
            name,
            accounts,
            root.Optional("build", ReadBuild),
            root.Optional("natGateways", n => n.List(ReadNatGateway, atLeastOne: false)),
            root.Optional("ecr", ReadEcr),
            root.Optional("gitLab", ReadGitLab),
            root.Optional("codeCommit", ReadCodeCommit),
            root.Optional("gitProbe", ReadGitProbe),
            root.Optional("connections", ReadConnections),
            root.Optional("inVpcProbes", ReadInVpcProbes),
            root.Optional("waivers", n => n.List(ReadWaiver, atLeastOne: false)));
    }

    private static Dictionary<string, AccountTarget> ReadAccounts(PostureJsonNode node)
    {
        if (node.Element.ValueKind != JsonValueKind.Object)
            throw node.Error("an object mapping account names to {accountId, region}");
        var accounts = new Dictionary<string, AccountTarget>(StringComparer.Ordinal);
        foreach (var property in node.Element.EnumerateObject())
        {
            var entry = new PostureJsonNode(property.Value, $"{node.Path}.{property.Name}", $"{node.Shape}.*", node.Context);
            if (!F.AccountName.Pattern.IsMatch(property.Name))
                throw entry.Error(F.AccountName.Expected, $"the name \"{property.Name}\"");
            accounts[property.Name] = ReadAccount(entry);
            node.Context.AccountNames.Add(property.Name);
        }

        if (accounts.Count == 0)
            throw node.Error("at least one account, e.g. {\"prd\": {\"accountId\": \"111111111111\", \"region\": \"ap-northeast-1\"}}", "an empty object");
        return accounts;
    }

    private static AccountTarget ReadAccount(PostureJsonNode node)
    {
        var o = node.Object("accountId", "region", "profile", "roleArn");
        return new AccountTarget(
            o.Required("accountId", F.AccountId.Expected, n => n.String(F.AccountId)),
            o.Required("region", F.Region.Expected, n => n.String(F.Region)),
            o.Optional("profile", n => n.String()),
            o.Optional("roleArn", n => n.String(F.RoleArn)));
    }

    private static BuildPosture ReadBuild(PostureJsonNode node)
    {
        var o = node.Object("account", "projects", "vpcs", "privilegedModeAllowed", "approvedEgress", "requiredEndpoints");
        return new BuildPosture(
            o.Required("account", "the name of an account declared under $.accounts", n => n.AccountReference()),
            o.Required("projects", "an array of CodeBuild project names, or [\"*\"]", n => n.List(i => i.String(F.ProjectName), atLeastOne: true)),
            o.Optional("vpcs", n => n.List(i => i.String(F.VpcId), atLeastOne: false)),
            o.Optional("privilegedModeAllowed", n => n.List(i => i.String(F.ProjectName), atLeastOne: false)),
            o.Optional("approvedEgress", n => n.List(i => i.String(F.RouteTargetId), atLeastOne: false)),
            o.Optional("requiredEndpoints", n => n.List(i => i.String(F.EndpointService), atLeastOne: true)));
    }

    private static NatGatewayRef ReadNatGateway(PostureJsonNode node)
    {
        var o = node.Object("id", "account");
        return new NatGatewayRef(
            o.Required("id", F.NatGatewayId.Expected, n => n.String(F.NatGatewayId)),
            o.Required("account", "the name of an account declared under $.accounts", n => n.AccountReference()));
    }

    private static EcrPosture ReadEcr(PostureJsonNode node)
    {
        var o = node.Object("account", "repositories", "allowedPrincipalAccounts", "publicRepositoriesAllowed");
        return new EcrPosture(
            o.Required("account", "the name of an account declared under $.accounts", n => n.AccountReference()),
            o.Required("repositories", "an array of ECR repository names, or [\"*\"]", n => n.List(i => i.String(F.EcrRepositoryName), atLeastOne: true)),
            o.Optional("allowedPrincipalAccounts", n => n.List(i => i.String(F.AccountId), atLeastOne: false)),
            o.Optional("publicRepositoriesAllowed", n => n.List(i => i.String(), atLeastOne: false)));
    }

    private static GitLabPosture ReadGitLab(PostureJsonNode node)
    {
        var o = node.Object("account", "hosts", "allowedCidrs", "allowedSecurityGroups", "approvedEntries");
        return new GitLabPosture(
            o.Required("account", "the name of an account declared under $.accounts", n => n.AccountReference()),
            o.Required("hosts", "an array of GitLab host selectors", n => n.List(ReadHost, atLeastOne: true)),
            o.Optional("allowedCidrs", n => n.List(i => i.Cidr(), atLeastOne: false)),
            o.Optional("allowedSecurityGroups", n => n.List(i => i.String(F.SecurityGroupId), atLeastOne: false)),
            o.Optional("approvedEntries", n => n.List(i => i.String(F.EntryId), atLeastOne: false)));
    }

    private static readonly string[] HostSelectors = ["instanceId", "tag", "loadBalancerArn", "ecsService"];

    private static GitLabHostRef ReadHost(PostureJsonNode node)
    {
        var o = node.Object(HostSelectors);
        var present = HostSelectors.Where(o.Has).ToList();
        if (present.Count != 1)
            throw node.Error($"exactly one of {string.Join(", ", HostSelectors)}",
                present.Count == 0 ? "none" : string.Join(", ", present));
        return new GitLabHostRef(
            o.Optional("instanceId", n => n.String(F.InstanceId)),
            o.Optional("tag", ReadTag),
            o.Optional("loadBalancerArn", n => n.String(F.LoadBalancerArn)),
            o.Optional("ecsService", ReadEcsService));
    }

    private static TagFilter ReadTag(PostureJsonNode node)
    {
        var o = node.Object("key", "value");
        return new TagFilter(
            o.Required("key", "the tag key", n => n.String()),
            o.Required("value", "the tag value", n => n.String()));
    }

    private static EcsServiceRef ReadEcsService(PostureJsonNode node)
    {
        var o = node.Object("cluster", "service");
        return new EcsServiceRef(
            o.Required("cluster", "the ECS cluster name", n => n.String(F.EcsName)),
            o.Required("service", "the ECS service name", n => n.String(F.EcsName)));
    }

    private static CodeCommitPosture ReadCodeCommit(PostureJsonNode node)
    {
        var o = node.Object("account", "mirroredRepositories", "pushPrincipals", "pullPrincipals", "isolatedSourceCidrs");
        return new CodeCommitPosture(
            o.Required("account", "the name of an account declared under $.accounts", n => n.AccountReference()),
            o.Required("mirroredRepositories", "an array of CodeCommit repository names", n => n.List(i => i.String(F.CodeCommitRepositoryName), atLeastOne: true)),
            o.Required("pushPrincipals", "an array of IAM principal ARNs", n => n.List(i => i.String(F.PrincipalArn), atLeastOne: true)),
            o.Required("pullPrincipals", "an array of IAM principal ARNs", n => n.List(i => i.String(F.PrincipalArn), atLeastOne: true)),
            o.Required("isolatedSourceCidrs", "an array of CIDR blocks", n => n.List(i => i.Cidr(), atLeastOne: true)));
    }

    private static GitProbePosture ReadGitProbe(PostureJsonNode node)
    {
        var o = node.Object("repositoryUrl", "expectedBranch", "credentials", "timeoutSeconds");
        return new GitProbePosture(
            o.Required("repositoryUrl", "an absolute http or https URL of the repository", ReadUrl),
            o.Required("expectedBranch", "a branch name", n => n.String()),
            o.Required("credentials", "{usernameEnv, passwordEnv} or {awsProfile}", ReadCredentials),
            o.OptionalValue("timeoutSeconds", n => n.Int(1, 3600)));
    }

    private static string ReadUrl(PostureJsonNode node)
    {
        const string expected = "an absolute http or https URL of the repository";
        if (node.Element.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(node.Element.GetString(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.UserInfo))
            throw node.Error(expected + " without credentials in it");
        return node.Element.GetString()!;
    }

    private static GitCredentialsRef ReadCredentials(PostureJsonNode node)
    {
        var o = node.Object("usernameEnv", "passwordEnv", "awsProfile");
        var credentials = new GitCredentialsRef(
            o.Optional("usernameEnv", n => n.String(F.EnvironmentVariable)),
            o.Optional("passwordEnv", n => n.String(F.EnvironmentVariable)),
            o.Optional("awsProfile", n => n.String()));
        var byEnvironment = credentials.UsernameEnv is not null && credentials.PasswordEnv is not null;
        var partialEnvironment = (credentials.UsernameEnv is null) != (credentials.PasswordEnv is null);
        if (partialEnvironment || byEnvironment == (credentials.AwsProfile is not null))
            throw node.Error("either usernameEnv and passwordEnv (names of environment variables), or awsProfile",
                string.Join(", ", new[] { "usernameEnv", "passwordEnv", "awsProfile" }.Where(o.Has)) is { Length: > 0 } set ? set : "none");
        return credentials;
    }

    private static ConnectionsPosture ReadConnections(PostureJsonNode node)
    {
        var o = node.Object("account", "hosts");
        return new ConnectionsPosture(
            o.Required("account", "the name of an account declared under $.accounts", n => n.AccountReference()),
            o.Required("hosts", "an array of CodeConnections host ARNs", n => n.List(i => i.String(F.ConnectionHostArn), atLeastOne: true)));
    }

    private static InVpcProbePosture ReadInVpcProbes(PostureJsonNode node)
    {
        var o = node.Object("enabled", "internetCanaries", "serviceHosts", "timeoutSeconds");
        return new InVpcProbePosture(
            o.Required("enabled", "true or false", n => n.Bool()),
            o.Optional("internetCanaries", n => n.List(ReadHostPort, atLeastOne: false)),
            o.Optional("serviceHosts", n => n.List(i => i.String(F.HostName), atLeastOne: false)),
            o.OptionalValue("timeoutSeconds", n => n.Int(1, 3600)));
    }

    private static string ReadHostPort(PostureJsonNode node)
    {
        var text = node.String(F.HostPort);
        var port = int.Parse(text[(text.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        if (port > 65535)
            throw node.Error(F.HostPort.Expected);
        return text;
    }

    private static Waiver ReadWaiver(PostureJsonNode node)
    {
        var o = node.Object("control", "resource", "reason", "approvedBy", "expires");
        return new Waiver(
            o.Required("control", F.ControlId.Expected, n => n.String(F.ControlId)),
            o.Required("resource", "the resource id or ARN the waiver covers", n => n.String()),
            o.Required("reason", "why the exception is accepted", n => n.String()),
            o.Required("approvedBy", "who approved the exception", n => n.String()),
            o.Required("expires", F.Date.Expected, n => n.Date()));
    }
}
