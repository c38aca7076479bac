using System.Globalization;
using System.Text.Json;
using IsolationChecks.Controls.Catalog;

namespace IsolationChecks.Reporting;

/// <summary>An earlier run as its findings.json recorded it: when it started, whether its gate passed, how many findings had each status.</summary>
/// <param name="Folder">The run's Output folder (a subfolder of the History setting's folder).</param>
public sealed record PastRun(string Folder, DateTimeOffset StartedAt, bool GatePassed, IReadOnlyDictionary<Status, int> Counts);

/// <summary>
/// The earlier runs a report compares this one with (the History setting): the latest <c>HistoryRuns</c> subfolders of the
/// History folder, oldest first, and a note for each that could not be read (a damaged findings.json, a run that left only
/// its error file). Reading history never fails the run: what cannot be read is said in the report.
/// </summary>
public sealed record RunHistory(string? Folder, IReadOnlyList<PastRun> Runs, IReadOnlyList<string> Notes)
{
    public static RunHistory None { get; } = new(null, [], []);

    /// <param name="folder">The History folder; each subfolder is one earlier run's Output folder.</param>
    /// <param name="limit">How many of the latest runs to read.</param>
    /// <param name="currentOutput">This run's Output folder, left out when it lies inside the History folder.</param>
    public static RunHistory Read(string folder, int limit, string currentOutput)
    {
        string[] subfolders;
        try
        {
            subfolders = Directory.GetDirectories(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RunHistory(folder, [], [$"{folder}: cannot be listed ({e.Message}); no earlier run is shown"]);
        }

        // The latest runs by the time each findings.json says its run started (its file time when that cannot be read).
        var latest = subfolders
            .Where(s => !SamePath(s, currentOutput))
            .Select(s => (Folder: s, Started: PeekStart(Path.Combine(s, FindingsJson.FileName))))
            .OrderBy(s => s.Started)
            .ThenBy(s => s.Folder, StringComparer.Ordinal)
            .TakeLast(limit)
            .ToList();
        var runs = new List<PastRun>();
        var notes = new List<string>();
        foreach (var (subfolder, _) in latest)
        {
            var (run, note) = ReadRun(subfolder);
            if (run is not null)
                runs.Add(run);
            if (note is not null)
                notes.Add(note);
        }

        return new RunHistory(folder, runs.OrderBy(r => r.StartedAt).ToList(), notes);
    }

    private static (PastRun? Run, string? Note) ReadRun(string folder)
    {
        var file = Path.Combine(folder, FindingsJson.FileName);
        // error.json wins over any report beside it: a run killed while writing its reports leaves both.
        var error = Path.Combine(folder, OutputFolder.ErrorJsonFile);
        if (File.Exists(error))
            return (null, $"{folder}: that run ended without a verdict ({ErrorKind(error)}); not charted");
        if (!File.Exists(file))
            return (null, $"{folder}: no {FindingsJson.FileName}; not charted");

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, Damaged(file, "the top level is not an object"));
            var started = Member(root, "$.startedAt", JsonValueKind.String);
            if (!started.TryGetDateTimeOffset(out var startedAt))
                return (null, Damaged(file, "$.startedAt is not a date and time"));
            var gate = Member(Member(root, "$.auditGate", JsonValueKind.Object), "$.auditGate.passed", JsonValueKind.True, JsonValueKind.False);
            var counts = Member(root, "$.counts", JsonValueKind.Object);
            var byStatus = new Dictionary<Status, int>();
            foreach (var status in Enum.GetValues<Status>())
            {
                var count = Member(counts, $"$.counts.{status.ToWire()}", JsonValueKind.Number);
                if (!count.TryGetInt32(out var value) || value < 0)
                    return (null, Damaged(file, $"$.counts.{status.ToWire()} is not a count"));
                byStatus[status] = value;
            }

            return (new PastRun(folder, startedAt, gate.GetBoolean(), byStatus), null);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}: " : "";
            return (null, Damaged(file, where + (e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0])));
        }
        catch (MissingMember e)
        {
            return (null, Damaged(file, e.Message));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"{file}: cannot be read ({e.Message}); not charted");
        }
    }

    private static string Damaged(string file, string why) => $"{file}: damaged, {why}; not charted";

    /// <summary>The member at <paramref name="path"/> (its last segment read from <paramref name="parent"/>), of one of the kinds.</summary>
    private static JsonElement Member(JsonElement parent, string path, params JsonValueKind[] kinds)
    {
        if (parent.TryGetProperty(path[(path.LastIndexOf('.') + 1)..], out var value) && kinds.Contains(value.ValueKind))
            return value;
        throw new MissingMember($"{path} is missing or not {(kinds[0] is JsonValueKind.True ? "true or false" : $"a{(kinds[0] is JsonValueKind.Object ? "n" : "")} {kinds[0].ToString().ToLowerInvariant()}")}");
    }

    private sealed class MissingMember(string message) : Exception(message);

    private static string ErrorKind(string errorJson)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(errorJson));
            return document.RootElement.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String
                ? $"error.json says {kind.GetString()}"
                : "see its error.json";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return "its error.json cannot be read";
        }
    }

    /// <summary>When the run started, from the first bytes of its findings.json ("startedAt" is written near the top); else the file's time.</summary>
    private static DateTimeOffset PeekStart(string findingsJson)
    {
        try
        {
            var head = new byte[4096];
            int length;
            using (var stream = File.OpenRead(findingsJson))
                length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            var reader = new Utf8JsonReader(head.AsSpan(0, length), isFinalBlock: false, default);
            while (reader.Read())
            {
                if (reader is { TokenType: JsonTokenType.PropertyName, CurrentDepth: 1 } && reader.ValueTextEquals("startedAt")
                    && reader.Read() && reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var started))
                    return started;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // Ordered by the file's time below; reading it in full says what is wrong.
        }

        try
        {
            return File.Exists(findingsJson) ? File.GetLastWriteTimeUtc(findingsJson) : Directory.GetLastWriteTimeUtc(Path.GetDirectoryName(findingsJson)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return DateTimeOffset.MinValue;
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);

    /// <summary>A short label for a run in a chart: its start, UTC, to the minute.</summary>
    public static string Label(DateTimeOffset startedAt) => startedAt.UtcDateTime.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);
}
