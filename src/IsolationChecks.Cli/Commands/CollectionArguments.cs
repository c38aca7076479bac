using System.Globalization;
using IsolationChecks.Aws;
using IsolationChecks.Collection;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;
using IsolationChecks.Settings;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// The options of the commands that collect from AWS (snapshot plan, snapshot collect --plan) and merge: `--name value` pairs,
/// each at most once, read into what the library needs. How to reach AWS follows the suite's settings: the default
/// credential chain (or --profile), AWS_ENDPOINT_URL(_SERVICE) or --endpoint-url.
/// </summary>
public sealed class CollectionArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    public CollectionArguments(IReadOnlyList<string> args, IReadOnlySet<string> names)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                _positional.Add(name);
                continue;
            }

            if (!names.Contains(name)) throw new UsageException($"unknown option '{name}'");
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"{name} needs a value");
            if (!_values.TryAdd(name, args[++i])) throw new UsageException($"{name} is given twice");
        }
    }

    /// <summary>Options every collecting command takes.</summary>
    public static IReadOnlySet<string> Collecting { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "--out", "--key", "--endpoint-url", "--profile", "--max-concurrency", "--calls-per-second", "--min-calls-per-second", "--throttle-retries", "--timeout",
    };

    public IReadOnlyList<string> Positional => _positional;

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public string Required(string name, string what) => _values.GetValueOrDefault(name) ?? throw new UsageException($"{name} {what} is required");

    public RunDeadline Deadline()
    {
        var text = Optional("--timeout");
        if (text is null) return new RunDeadline(TimeProvider.System, SuiteSettings.DefaultTimeout);
        return Duration.TryParse(text, out var timeout)
            ? new RunDeadline(TimeProvider.System, timeout)
            : throw new UsageException($"--timeout takes a duration such as 90s, 30m or 1h30m (1 s to 24 h), not '{text}'");
    }

    /// <summary>The collection of this process: read-only clients, the concurrency and rate limits, progress labelled with the shard.</summary>
    public LiveCollection Live(string? label)
    {
        var endpoint = Optional("--endpoint-url") is { } url ? EndpointUrls.Checked(url, "--endpoint-url", "--endpoint-url") : null;
        var concurrency = Positive("--max-concurrency", CollectionOptions.DefaultMaxConcurrency, 256);
        var rate = Optional("--calls-per-second") is { } text ? Rate("--calls-per-second", text) : (double?)null;
        var minimum = Optional("--min-calls-per-second") is { } low ? Rate("--min-calls-per-second", low) : CollectionLimits.DefaultMinCallsPerSecond;
        if (rate is { } configured && minimum > configured)
            throw new UsageException($"--min-calls-per-second ({minimum}) is above --calls-per-second ({configured}): throttling may only slow a partition down");
        var retries = Positive("--throttle-retries", CollectionLimits.DefaultThrottleRetries, 20);
        return new LiveCollection(ControlCatalog.Discover().Controls, new AwsAccessSettings(endpoint, Optional("--profile")),
            new CollectionLimits(concurrency, rate, minimum, retries), TimeProvider.System, label);
    }

    private static double Rate(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0.01 and <= 1000
            ? value
            : throw new UsageException($"{name} takes a number of calls a second from 0.01 to 1000, not '{text}'");

    private int Positive(string name, int fallback, int most)
    {
        var text = Optional(name);
        if (text is null) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= most
            ? value
            : throw new UsageException($"{name} takes a whole number from 1 to {most}, not '{text}'");
    }
}

/// <summary>Writes what a collecting command gathered as a signed snapshot folder and says where.</summary>
internal static class SignedOutput
{
    public static async Task WriteAsync(SnapshotFilesAndKey output, TextWriter writer, CancellationToken cancellationToken)
    {
        using var key = output.KeyPath is null ? null : Snapshots.SnapshotSigning.LoadPrivateKey(output.KeyPath, "--key");
        await Snapshots.SnapshotFolder.WriteAsync(output.Files, output.Folder, key, cancellationToken);
        await writer.WriteLineAsync($"{Path.GetFullPath(output.Folder)}: {output.Files.Files.Count} files, "
                                    + (key is null ? "unsigned (give --key to sign it: a merge takes signed parts only)" : $"signed with key {Snapshots.SnapshotSigning.KeyIdOf(key)}"));
    }
}

internal sealed record SnapshotFilesAndKey(SnapshotFiles Files, string Folder, string? KeyPath);
