using System.Text.Json;
using System.Text.Json.Nodes;
using IsolationChecks.Posture;

namespace IsolationChecks.Evaluation.Plans;

/// <summary>
/// One planned change of <c>terraform show -json PLANFILE</c>'s <c>resource_changes</c>: the resource's address and type,
/// the actions, and the values before and after (after_unknown marks what is known only after apply).
/// </summary>
/// <param name="References">Per attribute set in the configuration (the plan's <c>configuration</c> section), the addresses its
/// expression references, so an id known only after apply can be traced to the planned resource it names; null when the plan
/// has no configuration for the resource.</param>
/// <param name="Provider">The provider configuration the resource is managed through (the configuration's provider_config_key),
/// null when the plan has no configuration for it.</param>
/// <param name="Module">The module instance the resource is in (module_address: "" for the root module, module.net[0] for an instance of a module call).</param>
public sealed record PlannedChange(
    string Address,
    string Type,
    IReadOnlyList<string> Actions,
    JsonObject? Before,
    JsonObject? After,
    JsonNode? AfterUnknown,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? References,
    string? Provider = null,
    string Module = "")
{
    /// <summary>
    /// False for an attribute the configuration does not set (a computed output such as a route's network_interface_id when
    /// it targets a NAT gateway); true when it sets it, or when the plan carries no configuration to tell.
    /// </summary>
    public bool MayBeConfigured(string attribute) => References is null || References.ContainsKey(attribute);

    public bool Creates => Actions.Contains("create");

    public bool Deletes => Actions.Contains("delete");

    public bool Updates => Actions.Contains("update");

    /// <summary>no-op and read (a data source) change nothing.</summary>
    public bool ChangesSomething => Creates || Deletes || Updates;

    public string Describe() => $"{Address} ({string.Join("+", Actions)})";
}

/// <summary>
/// A provider configuration of the plan's configuration section (provider_config) and where it points: the account its
/// assume_role role_arn names (or the single account allowed_account_ids admits) and its region, each only when the
/// configuration states it as a constant.
/// </summary>
public sealed record PlanProvider(string Key, string? Account, string? Region);

/// <summary>A Terraform plan as <c>terraform show -json</c> prints it (HashiCorp's JSON output format, format_version 1.x).</summary>
/// <param name="Providers">Per provider_config_key, the provider configuration.</param>
public sealed partial record TerraformPlan(string File, string FormatVersion, string? TerraformVersion, IReadOnlyList<PlannedChange> Changes,
    IReadOnlyDictionary<string, PlanProvider> Providers)
{
    private const string Shape = "the output of `terraform show -json PLANFILE`";

    /// <summary>Reads a plan file; anything not in the documented format is one <see cref="InputException"/> naming line and column.</summary>
    public static TerraformPlan Read(byte[] bytes, string file)
    {
        var map = JsonSourceMap.Scan(bytes, file, Shape);
        using var document = map.Parse();
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw map.Error("", $"a JSON object ({Shape})", root.ValueKind.ToString().ToLowerInvariant());
        var version = root.TryGetProperty("format_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : null;
        if (version is null || !version.StartsWith("1.", StringComparison.Ordinal))
            throw map.Error("/format_version", $"format_version \"1.x\" ({Shape}; a plan file itself is binary: run terraform show -json on it)",
                version ?? (root.TryGetProperty("format_version", out _) ? "a non-string" : "no format_version"));
        var terraform = root.TryGetProperty("terraform_version", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var references = ConfigurationReferences(root);
        var changes = new List<PlannedChange>();
        // Terraform omits resource_changes when the plan has no resources at all (omitempty).
        if (root.TryGetProperty("resource_changes", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
                throw map.Error("/resource_changes", "an array of resource changes", list.ValueKind.ToString().ToLowerInvariant());
            var index = 0;
            foreach (var item in list.EnumerateArray())
                changes.Add(Change(map, item, $"/resource_changes/{index++}", references));
        }

        return new TerraformPlan(file, version, terraform, changes, ProvidersOf(root));
    }

    private static PlannedChange Change(JsonSourceMap map, JsonElement item, string pointer, IReadOnlyDictionary<string, ConfiguredResource> references)
    {
        if (item.ValueKind != JsonValueKind.Object)
            throw map.Error(pointer, "a resource change object", item.ValueKind.ToString().ToLowerInvariant());
        var address = String(map, item, pointer, "address");
        var type = String(map, item, pointer, "type");
        if (!item.TryGetProperty("change", out var change) || change.ValueKind != JsonValueKind.Object)
            throw map.Error(pointer + "/change", "a change object with actions, before, after and after_unknown", item.TryGetProperty("change", out _) ? "another type" : "no change");
        var changePointer = pointer + "/change";
        if (!change.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array
            || actions.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String || !KnownActions.Contains(a.GetString()!)))
            throw map.Error(changePointer + "/actions", $"an array of actions among {string.Join(", ", KnownActions)}", change.TryGetProperty("actions", out var a) ? a.GetRawText() : "no actions");
        var list = actions.EnumerateArray().Select(x => x.GetString()!).ToList();
        var before = Object(map, change, changePointer, "before", required: list.Contains("delete") || list.Contains("update"));
        var after = Object(map, change, changePointer, "after", required: list.Contains("create") || list.Contains("update"));
        var unknown = change.TryGetProperty("after_unknown", out var u) ? JsonNode.Parse(u.GetRawText()) : null;
        if (after is not null && unknown is not null and not JsonObject && unknown.GetValueKind() != JsonValueKind.False)
            throw map.Error(changePointer + "/after_unknown", "an object marking the attributes known only after apply", unknown.ToJsonString());
        // The configuration holds a module call and a resource once, whatever count or for_each makes of them: module.net[0] is module.net.
        var instance = item.TryGetProperty("module_address", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        var own = references.GetValueOrDefault($"{InstanceKey().Replace(instance, "")}|{type}.{(item.TryGetProperty("name", out var n) ? n.GetString() : "")}");
        return new PlannedChange(address, type, list, before, after, unknown, own?.References, own?.Provider, instance);
    }

    private static readonly string[] KnownActions = ["no-op", "create", "read", "update", "delete", "forget"];

    private static string String(JsonSourceMap map, JsonElement item, string pointer, string member) =>
        item.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? value.GetString()!
            : throw map.Error($"{pointer}/{member}", $"a non-empty string ({member} of a resource change)", item.TryGetProperty(member, out var found) ? found.GetRawText() : $"no {member}");

    private static JsonObject? Object(JsonSourceMap map, JsonElement change, string pointer, string member, bool required)
    {
        if (!change.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
            return required ? throw map.Error($"{pointer}/{member}", $"an object (the resource's values {member} the change)", "null or nothing") : null;
        return value.ValueKind == JsonValueKind.Object
            ? JsonNode.Parse(value.GetRawText())!.AsObject()
            : throw map.Error($"{pointer}/{member}", $"an object (the resource's values {member} the change)", value.ValueKind.ToString().ToLowerInvariant());
    }

    private sealed record ConfiguredResource(IReadOnlyDictionary<string, IReadOnlyList<string>> References, string? Provider);

    /// <summary>Per "module address|type.name", the references of each attribute expression in the plan's configuration.</summary>
    private static IReadOnlyDictionary<string, ConfiguredResource> ConfigurationReferences(JsonElement root)
    {
        var found = new Dictionary<string, ConfiguredResource>(StringComparer.Ordinal);
        if (root.TryGetProperty("configuration", out var configuration) && configuration.ValueKind == JsonValueKind.Object
            && configuration.TryGetProperty("root_module", out var module))
            Module(module, "", found);
        return found;
    }

    private static void Module(JsonElement module, string prefix, Dictionary<string, ConfiguredResource> found)
    {
        if (module.ValueKind != JsonValueKind.Object)
            return;
        if (module.TryGetProperty("resources", out var resources) && resources.ValueKind == JsonValueKind.Array)
            foreach (var resource in resources.EnumerateArray())
            {
                if (!resource.TryGetProperty("address", out var address) || address.ValueKind != JsonValueKind.String
                    || !resource.TryGetProperty("expressions", out var expressions) || expressions.ValueKind != JsonValueKind.Object)
                    continue;
                var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
                foreach (var expression in expressions.EnumerateObject())
                {
                    attributes[expression.Name] = References(expression.Value, prefix);
                    // A nested block (route { nat_gateway_id = ... }): its attributes' references, over all the blocks of that name,
                    // under "route.nat_gateway_id" (blocks of a set have no order to match them to the plan's values by).
                    if (expression.Value.ValueKind == JsonValueKind.Array)
                        foreach (var inner in expression.Value.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.Object).SelectMany(b => b.EnumerateObject()))
                            attributes[$"{expression.Name}.{inner.Name}"] = [.. attributes.GetValueOrDefault($"{expression.Name}.{inner.Name}") ?? [], .. References(inner.Value, prefix)];
                }

                var provider = resource.TryGetProperty("provider_config_key", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;
                found[$"{prefix}|{address.GetString()}"] = new ConfiguredResource(attributes, provider);
            }

        if (module.TryGetProperty("module_calls", out var calls) && calls.ValueKind == JsonValueKind.Object)
            foreach (var call in calls.EnumerateObject())
                if (call.Value.TryGetProperty("module", out var child))
                    Module(child, prefix.Length == 0 ? $"module.{call.Name}" : $"{prefix}.module.{call.Name}", found);
    }

    private static IReadOnlyList<string> References(JsonElement expression, string prefix) =>
        expression.ValueKind == JsonValueKind.Object && expression.TryGetProperty("references", out var refs) && refs.ValueKind == JsonValueKind.Array
            ? refs.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => prefix.Length == 0 ? r.GetString()! : $"{prefix}.{r.GetString()}").ToList()
            : [];

    /// <summary>The provider configurations (configuration.provider_config), with the account and region each states as constants.</summary>
    private static IReadOnlyDictionary<string, PlanProvider> ProvidersOf(JsonElement root)
    {
        var found = new Dictionary<string, PlanProvider>(StringComparer.Ordinal);
        if (!root.TryGetProperty("configuration", out var configuration) || configuration.ValueKind != JsonValueKind.Object
            || !configuration.TryGetProperty("provider_config", out var providers) || providers.ValueKind != JsonValueKind.Object)
            return found;
        foreach (var provider in providers.EnumerateObject())
        {
            var expressions = provider.Value.ValueKind == JsonValueKind.Object && provider.Value.TryGetProperty("expressions", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
            var role = Constant(Member(Member(expressions, "assume_role"), "role_arn"));
            var roleAccount = role?.ValueKind == JsonValueKind.String && ArnAccount().Match(role.Value.GetString()!) is { Success: true } arn ? arn.Groups[1].Value : null;
            var allowed = Constant(Member(expressions, "allowed_account_ids")) is { ValueKind: JsonValueKind.Array } list
                          && list.GetArrayLength() == 1 && list[0].ValueKind == JsonValueKind.String ? list[0].GetString() : null;
            // Both stated and different: Terraform would refuse to run, so neither is taken.
            var account = roleAccount is not null && allowed is not null && roleAccount != allowed ? null : roleAccount ?? allowed;
            var region = Constant(Member(expressions, "region")) is { ValueKind: JsonValueKind.String } r ? r.GetString() : null;
            found[provider.Name] = new PlanProvider(provider.Name, account, region);
        }

        return found;
    }

    /// <summary>A member of an expression object; a block (a list of one object, as assume_role is written) is entered.</summary>
    private static JsonElement? Member(JsonElement? parent, string name)
    {
        var value = parent;
        if (value is { ValueKind: JsonValueKind.Array } blocks)
            value = blocks.GetArrayLength() == 1 ? blocks[0] : null;
        return value is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var member) ? member : null;
    }

    private static JsonElement? Constant(JsonElement? expression) =>
        expression is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("constant_value", out var value) ? value : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"\[[^\]]*\]")]
    private static partial System.Text.RegularExpressions.Regex InstanceKey();

    [System.Text.RegularExpressions.GeneratedRegex(@"^arn:aws[a-z-]*:iam::(\d{12}):")]
    private static partial System.Text.RegularExpressions.Regex ArnAccount();
}
