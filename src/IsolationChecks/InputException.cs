namespace IsolationChecks;

/// <summary>A place in a text file, counted as editors count it: lines and columns from 1, a column per character.</summary>
public readonly record struct TextPosition(int Line, int Column)
{
    public override string ToString() => $"line {Line}, column {Column}";
}

/// <summary>
/// Bad input from the user (runsettings value, posture file, snapshot): names the file, the field
/// (and, for a file, the line and column of the offending token) and what was expected, so the run
/// stops with a message a person can act on.
/// </summary>
/// <param name="File">The file (or "runsettings"/"environment") the bad value came from.</param>
/// <param name="Field">JSON path or setting name, e.g. "$.build.projects[2]" or "Target".</param>
/// <param name="Expected">What a valid value looks like.</param>
/// <param name="Actual">What was found (never a secret).</param>
/// <param name="Position">Where in the file the offending token starts, when the input is a file.</param>
public sealed class InputException(string file, string field, string expected, string? actual = null, Exception? inner = null, TextPosition? position = null)
    : Exception($"{file}: {field}{(position is { } at ? $" at {at}" : "")}: expected {expected}{(actual is null ? "" : $", found {actual}")}", inner)
{
    public string File { get; } = file;

    public string Field { get; } = field;

    public string Expected { get; } = expected;

    public string? Actual { get; } = actual;

    public TextPosition? Position { get; } = position;
}
