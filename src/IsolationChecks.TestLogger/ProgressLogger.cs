using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace IsolationChecks.TestLogger;

/// <summary>
/// Shows the suite's run as it happens. The run (collection, evaluation) takes place while the test host discovers the
/// test cases, and vstest.console's console logger shows what the test host prints then only at "normal" verbosity.
/// vstest.console forwards the test host's standard output line by line as informational messages; this logger prints
/// the ones the run wrote (they start with "IsolationChecks: ") the moment they arrive, at any verbosity.
/// Enabled by every runsettings file of the suite (<c>&lt;Logger friendlyName="isolationchecks" /&gt;</c>), or with
/// <c>dotnet test --logger isolationchecks</c>. At "normal" verbosity the console logger prints the same lines too.
/// </summary>
[FriendlyName(FriendlyName)]
[ExtensionUri(Uri)]
public sealed class ProgressLogger : ITestLogger
{
    public const string FriendlyName = "isolationchecks";
    public const string Uri = "logger://isolationchecks/progress";
    public const string LinePrefix = "IsolationChecks: ";

    private readonly TextWriter _output;
    private readonly Lock _gate = new();

    public ProgressLogger()
        : this(Console.Out)
    {
    }

    public ProgressLogger(TextWriter output) => _output = output;

    public void Initialize(TestLoggerEvents events, string testRunDirectory)
    {
        ArgumentNullException.ThrowIfNull(events);
        events.TestRunMessage += (_, message) => Show(message);
        events.DiscoveryMessage += (_, message) => Show(message);
    }

    public void Show(TestRunMessageEventArgs message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Message is null)
            return;
        lock (_gate)
        {
            foreach (var line in message.Message.Split('\n'))
            {
                var text = line.TrimEnd('\r');
                if (text.StartsWith(LinePrefix, StringComparison.Ordinal))
                    _output.WriteLine(text);
            }

            _output.Flush();
        }
    }
}
