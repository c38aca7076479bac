using System.Reflection;

namespace IsolationChecks.Reporting;

/// <summary>The tool's name and version as written into reports and manifests.</summary>
public static class ToolInfo
{
    public const string Name = "IsolationChecks";

    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolInfo).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
