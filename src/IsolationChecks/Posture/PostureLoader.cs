using System.Globalization;
using System.Text.RegularExpressions;
using IsolationChecks.Evaluation.Addressing;

namespace IsolationChecks.Posture;

/// <summary>Loads a posture file; bad input throws one <see cref="InputException"/> naming the file, the path, the line and column.</summary>
/// <remarks>
/// Three passes, each stopping at its first problem: the text (well-formed UTF-8 JSON, no member twice), the structure
/// (schemas/posture.schema.json through JsonSchema.Net: the one place structure lives), then the rules between values
/// that a schema cannot say: references to declared accounts, CIDR host bits and breadth, endpoint service names,
/// exclusions that contradict the named lists, calendar dates.
/// </remarks>
public static partial class PostureLoader
{
    public static PostureDocument Parse(byte[] json, string fileName) => Parse(json, fileName, PostureSchema.Embedded);

    public static async Task<PostureDocument> LoadAsync(string path, CancellationToken cancellationToken) =>
        Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), path);

    internal static PostureDocument Parse(byte[] json, string fileName, PostureSchema schema)
    {
        var source = JsonSourceMap.Scan(json, fileName);
        using var document = source.Parse();
        schema.Validate(document.RootElement, source);
        return ReadDocument(new PostureValue(document.RootElement, "", source)) with { Source = source };
    }

    private static PostureDocument ReadDocument(PostureValue root)
    {
        if (root["accounts"] is null && root["organization"] is null)
            throw root.Error("the member \"accounts\" (the AWS accounts the suite reads, by name), or an organization section whose targets list them",
                "neither \"accounts\" nor \"organization\"");
        var accounts = (root["accounts"]?.Members ?? []).ToDictionary(a => a.Name, a => ReadAccount(a.Value), StringComparer.Ordinal);
        var posture = new PostureDocument(
            PostureDocument.CurrentVersion,
            root.Required("name"),
            accounts,
            root["build"] is { } build ? ReadBuild(build, accounts) : null,
            root.List("natGateways", n => new NatGatewayRef(n.Required("id"), AccountReference(n, accounts))),
            root["ecr"] is { } ecr ? ReadEcr(ecr, accounts) : null,
            root["gitLab"] is { } gitLab ? ReadGitLab(gitLab, accounts) : null,
            root["codeCommit"] is { } codeCommit ? ReadCodeCommit(codeCommit, accounts) : null,
            root["gitProbe"] is { } gitProbe ? ReadGitProbe(gitProbe) : null,
            root["connections"] is { } connections ? ReadConnections(connections, accounts) : null,
            root["inVpcProbes"] is { } probes ? ReadInVpcProbes(probes) : null,
            root.List("waivers", ReadWaiver),
            root.List("excludedControls", e => new ControlExclusion(e.Required("control"), e.Required("reason"))),
            root["organization"] is { } organization ? ReadOrganization(organization) : null)
        {
            Review = root["review"] is { } review
                ? new PostureReview(review.Optional("generatedBy"), review.Optional("generatedAt"), review.Optional("from"),
                    review.List("pending", p => new PendingReview(p.Required("path"), p.Required("note")))!)
                : null,
        };
        Unique(root["excludedControls"], e => e.Required("control"), "each control at most once in excludedControls");
        return posture;
    }

    private static AccountTarget ReadAccount(PostureValue account) =>
        new(account.Required("accountId"), account.Required("region"), account.Optional("profile"), account.Optional("roleArn"));

    private static string AccountReference(PostureValue section, IReadOnlyDictionary<string, AccountTarget> accounts)
    {
        var reference = section["account"]!;
        if (!accounts.ContainsKey(reference.Text))
            throw reference.Error($"the name of an account declared under $.accounts ({string.Join(", ", accounts.Keys.Order(StringComparer.Ordinal))})");
        return reference.Text;
    }

    private static BuildPosture ReadBuild(PostureValue build, IReadOnlyDictionary<string, AccountTarget> accounts)
    {
        var account = AccountReference(build, accounts);
        return ReadBuildSection(build, account, accounts[account].Region);
    }

    /// <param name="region">The account's region, for prefixed endpoint service names; null in a class, which spans regions.</param>
    private static BuildPosture ReadBuildSection(PostureValue build, string account, string? region) => new(
        account,
        build.Strings("projects")!,
        build.Strings("vpcs"),
        build.Strings("privilegedModeAllowed"),
        build.Strings("approvedEgress"),
        build["requiredEndpoints"] is { } endpoints ? ReadEndpoints(endpoints, region) : null,
        ReadExclusions(build, "projects", "CodeBuild project"));

    private static EcrPosture ReadEcr(PostureValue ecr, IReadOnlyDictionary<string, AccountTarget> accounts) => ReadEcrSection(ecr, AccountReference(ecr, accounts));

    private static EcrPosture ReadEcrSection(PostureValue ecr, string account) => new(
        account,
        ecr.Strings("repositories")!,
        ecr.Strings("allowedPrincipalAccounts"),
        ecr.Strings("publicRepositoriesAllowed"),
        ReadExclusions(ecr, "repositories", "ECR repository"));

    private static ConnectionsPosture ReadConnections(PostureValue connections, IReadOnlyDictionary<string, AccountTarget> accounts) =>
        ReadConnectionsSection(connections, AccountReference(connections, accounts));

    private static ConnectionsPosture ReadConnectionsSection(PostureValue connections, string account) => new(
        account,
        connections.Strings("hosts")!,
        ReadExclusions(connections, "hosts", "CodeConnections host"));

    /// <summary>
    /// A section's exclude list: each name once, and never one the section's named list says must exist
    /// (a resource cannot be both required and left out of judgement).
    /// </summary>
    private static List<ResourceExclusion>? ReadExclusions(PostureValue section, string namedList, string kind)
    {
        if (section["exclude"] is not { } exclude)
            return null;
        var named = section.Strings(namedList)!;
        Unique(exclude, e => e.Required("name"), $"each {kind} at most once in exclude");
        foreach (var entry in exclude.Items)
            if (named.Contains(entry.Required("name"), StringComparer.Ordinal))
                throw entry["name"]!.Error(
                    $"a {kind} that {section.Source.PathOf(section.Pointer)}.{namedList} does not name (a named {kind} must exist and is judged; remove it from one of the two lists)");
        return exclude.Items.Select(e => new ResourceExclusion(e.Required("name"), e.Required("reason"))).ToList();
    }

    private static void Unique(PostureValue? list, Func<PostureValue, string> key, string expected)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list?.Items ?? [])
            if (!seen.Add(key(item)))
                throw item.Error(expected, $"{key(item)} a second time");
    }

    /// <summary>
    /// Endpoint services as short names: com.amazonaws.&lt;region&gt;.&lt;name&gt; is normalised here, once, and its
    /// region must be the build account's; the name must be a known AWS endpoint service.
    /// </summary>
    private static List<string> ReadEndpoints(PostureValue endpoints, string? region)
    {
        var names = new List<string>();
        foreach (var item in endpoints.Items)
        {
            var name = item.Text;
            if (name.StartsWith(EndpointServices.Prefix, StringComparison.Ordinal))
            {
                var prefixed = PrefixedService().Match(name);
                if (region is null)
                    throw item.Error("a service short name such as logs: a class applies to accounts in several regions, so the region-prefixed name cannot be right for all");
                if (!prefixed.Success)
                    throw item.Error($"a service short name such as logs, or {EndpointServices.FullName(region, "logs")}");
                if (prefixed.Groups["region"].Value != region)
                    throw item.Error($"an endpoint service of the build account's region {region}: " +
                                     $"{EndpointServices.FullName(region, prefixed.Groups["name"].Value)}, or just {prefixed.Groups["name"].Value}");
                name = prefixed.Groups["name"].Value;
                if (name.StartsWith(EndpointServices.Prefix, StringComparison.Ordinal))
                    throw item.Error($"the prefix {EndpointServices.Prefix}<region>. at most once: {name}, or just its short name");
            }

            if (!EndpointServices.IsKnown(name))
            {
                var suggestions = EndpointServices.Suggestions(name);
                throw item.Error("a known AWS VPC endpoint service name such as ecr.api, s3 or logs (the list is in docs/posture.md)" +
                                 (suggestions.Count > 0 ? $"; did you mean {string.Join(" or ", suggestions)}?" : ""));
            }

            if (names.Contains(name, StringComparer.Ordinal))
                throw item.Error("each endpoint service at most once", $"{item.Describe()}, which names {name} a second time");
            names.Add(name);
        }

        return names;
    }

    /// <summary>
    /// The organization section. Rules beyond the schema: a target's class is declared; every target has a class or the
    /// organisation a classTag (an account must never be targeted with no way to know what to expect of it); a class's
    /// sections name no account (the schema refuses one: their accounts are the class's members); each region and excluded account once.
    /// </summary>
    private static OrganizationPosture ReadOrganization(PostureValue organization)
    {
        var classes = new Dictionary<string, AccountClass>(StringComparer.Ordinal);
        foreach (var (name, value) in organization["classes"]?.Members ?? [])
        {
            classes[name] = new AccountClass(
                value["build"] is { } build ? ReadBuildSection(build, "", region: null) : null,
                value["ecr"] is { } ecr ? ReadEcrSection(ecr, "") : null,
                value["connections"] is { } connections ? ReadConnectionsSection(connections, "") : null);
        }

        var classTag = organization.Optional("classTag");
        var targets = new List<OrganizationTarget>();
        foreach (var target in organization["targets"]!.Items)
        {
            var className = target["class"];
            if (className is not null && !classes.ContainsKey(className.Text))
                throw className.Error($"the name of a class declared under $.organization.classes ({ListText(classes.Keys)})");
            if (className is null && classTag is null)
                throw target.Error("a target with a class (\"class\": NAME), or an organization.classTag whose value on each account names its class: " +
                                   "an account is never judged without knowing what to expect of it", "a target with neither");
            Unique(target["regions"], r => r.Text, "each region at most once in a target");
            targets.Add(new OrganizationTarget(target.Required("parent"), target.Strings("regions")!, target.Required("roleName"), className?.Text,
                target["includeNested"]?.Element.GetBoolean() ?? true));
        }

        Unique(organization["exclude"], e => e.Required("accountId"), "each account at most once in organization.exclude");
        var reader = organization["reader"]!;
        return new OrganizationPosture(
            new OrganizationReader(reader.Required("accountId"), reader.Optional("profile"), reader.Optional("roleArn")),
            targets,
            classes,
            classTag,
            organization.List("exclude", e => new AccountExclusion(e.Required("accountId"), e.Required("reason"))));
    }

    private static string ListText(IEnumerable<string> names) => names.Any() ? string.Join(", ", names.Order(StringComparer.Ordinal)) : "none declared";

    private static GitLabPosture ReadGitLab(PostureValue gitLab, IReadOnlyDictionary<string, AccountTarget> accounts) => new(
        AccountReference(gitLab, accounts),
        gitLab.List("hosts", ReadHost)!,
        gitLab["allowedCidrs"] is { } allowed ? ReadSourceCidrs(allowed) : null,
        gitLab.Strings("allowedSecurityGroups"),
        gitLab.Strings("approvedEntries"));

    private static GitLabHostRef ReadHost(PostureValue host) => new(
        host.Optional("instanceId"),
        host["tag"] is { } tag ? new TagFilter(tag.Required("key"), tag.Required("value")) : null,
        host.Optional("loadBalancerArn"),
        host["ecsService"] is { } ecs ? new EcsServiceRef(ecs.Required("cluster"), ecs.Required("service")) : null);

    private static CodeCommitPosture ReadCodeCommit(PostureValue codeCommit, IReadOnlyDictionary<string, AccountTarget> accounts) => new(
        AccountReference(codeCommit, accounts),
        codeCommit.Strings("mirroredRepositories")!,
        codeCommit.Strings("pushPrincipals")!,
        codeCommit.Strings("pullPrincipals")!,
        ReadSourceCidrs(codeCommit["isolatedSourceCidrs"]!));

    /// <summary>A list of allowed source CIDRs: each a network address (no host bits), and the list no wider than <see cref="SourceAllowlist"/> allows.</summary>
    private static List<SourceCidr> ReadSourceCidrs(PostureValue list)
    {
        var entries = new List<(SourceCidr Entry, Cidr Cidr, PostureValue At)>();
        foreach (var item in list.Items)
        {
            var withReason = item.Element.ValueKind == System.Text.Json.JsonValueKind.Object;
            var text = withReason ? item["cidr"]! : item;
            entries.Add((new SourceCidr(text.Text, withReason ? item.Required("reason") : null), NetworkCidr(text), text));
        }

        if (SourceAllowlist.Check(entries.Select(e => (e.Entry, e.Cidr)).ToList()) is { } problem)
            throw (problem.Index is { } index ? entries[index].At : list).Error(problem.Expected, problem.Found);
        return entries.Select(e => e.Entry).ToList();
    }

    /// <summary>A CIDR as the project's <see cref="Cidr"/> reads it, whose address is the network address (host bits zero).</summary>
    private static Cidr NetworkCidr(PostureValue value)
    {
        const string expected = "an IPv4 or IPv6 CIDR block such as 10.0.0.0/16 or 2001:db8::/32";
        var text = value.Text;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !Cidr.TryParse(text, out var cidr) || !Cidr.TryParse(text[..slash], out var address) || address.Family != cidr.Family)
            throw value.Error(expected);
        if (address.First != cidr.First)
            throw value.Error($"the network address {cidr} (host bits must be zero)");
        return cidr;
    }

    private static GitProbePosture ReadGitProbe(PostureValue probe)
    {
        var url = probe["repositoryUrl"]!;
        if (!Uri.TryCreate(url.Text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.UserInfo))
            throw url.Error("an absolute http or https URL of the repository without credentials in it");
        var credentials = probe["credentials"]!;
        return new GitProbePosture(url.Text, probe.Required("expectedBranch"),
            new GitCredentialsRef(credentials.Optional("usernameEnv"), credentials.Optional("passwordEnv"), credentials.Optional("awsProfile")),
            probe.OptionalInt("timeoutSeconds"));
    }

    private static InVpcProbePosture ReadInVpcProbes(PostureValue probes)
    {
        foreach (var canary in probes["internetCanaries"]?.Items ?? [])
            if (int.Parse(canary.Text[(canary.Text.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture) > 65535)
                throw canary.Error("host:port with a port from 1 to 65535, such as example.com:443");
        return new InVpcProbePosture(probes["enabled"]!.Element.GetBoolean(), probes.Strings("internetCanaries"), probes.Strings("serviceHosts"),
            probes.OptionalInt("timeoutSeconds"));
    }

    private static Waiver ReadWaiver(PostureValue waiver)
    {
        var expires = waiver["expires"]!;
        if (!DateOnly.TryParseExact(expires.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw expires.Error("a date as YYYY-MM-DD that exists in the calendar");
        return new Waiver(waiver.Required("control"), waiver.Required("resource"), waiver.Required("reason"), waiver.Required("approvedBy"), date);
    }

    [GeneratedRegex(@"^com\.amazonaws\.(?<region>[a-z]{2}(-[a-z]+)+-\d+)\.(?<name>.+)$")]
    private static partial Regex PrefixedService();
}
