using IsolationChecks.Running;

namespace IsolationChecks.Cli;

/// <summary>What a command runs with: where it writes, the environment it reads, where relative paths start, and what interrupts it.</summary>
/// <param name="Out">Results (the verdict, the catalog, a diff): what a script reads.</param>
/// <param name="Error">Progress and errors.</param>
/// <param name="ErrorIsTerminal">Whether <paramref name="Error"/> is a terminal a live display can redraw (else plain lines).</param>
/// <param name="ToolDirectory">Where the tool is installed: it holds the embedded reference environment (Fixtures/reference).</param>
public sealed record ToolContext(
    TextWriter Out,
    TextWriter Error,
    bool ErrorIsTerminal,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string ToolDirectory,
    Interruption Interruption,
    TimeProvider Clock)
{
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
