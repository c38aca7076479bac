using System.Reflection;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Running;
using IsolationChecks.Settings;

namespace IsolationChecks.Reporting;

/// <summary>What a run is started with: the raw settings, as the suite or the console tool received them.</summary>
/// <param name="WorkingDirectory">Where relative paths are resolved (the user's shell directory).</param>
/// <param name="SuiteDirectory">The folder holding the embedded reference environment (Fixtures/reference).</param>
/// <param name="CommandLine">The console tool's options by setting name; they win over the environment.</param>
public sealed record RunRequest(
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string SuiteDirectory,
    IReadOnlyDictionary<string, string>? CommandLine = null);

/// <summary>A run as it ended, and the files it left in Output (its reports, or its error file).</summary>
public sealed record FinishedRun(RunOutcome Outcome, string OutputFolder, IReadOnlyList<string> Files)
{
    public int ExitCode => Outcome.ExitCode;

    public RunResult? Result => (Outcome as RunOutcome.Completed)?.Result;
}

/// <summary>
/// One run as users start it, whatever starts it (the NUnit suite, the console tool): claim the Output folder,
/// remove the previous run's files, resolve the settings, run, and leave either its reports or an error file.
/// It never throws for bad input, an interruption or a defect: each is an outcome with its exit code and one message.
/// </summary>
public sealed class AuditRun(IReadOnlyList<IControl> controls, TimeProvider clock)
{
    public async Task<FinishedRun> RunAsync(RunRequest request, IProgress<string>? progress, Interruption interruption)
    {
        var outputPath = SettingsResolver.OutputFolder(request.Parameters, request.Environment, request.WorkingDirectory, request.CommandLine);
        OutputFolder output;
        try
        {
            output = OutputFolder.Claim(outputPath, TargetOf(request), clock);
        }
        catch (InputException e)
        {
            // Not even an error file can be written: the message is all there is.
            return new FinishedRun(new RunOutcome.ConfigurationError(e.Message), outputPath, []);
        }

        using (output)
        {
            try
            {
                // First: no file of an earlier run survives this one, and until this run ends the folder says it has not finished.
                output.ReplacePreviousRun();
            }
            catch (InputException e)
            {
                // A report that could not be removed stays, beside the error file that says the folder holds no verdict.
                var refused = new RunOutcome.ConfigurationError(e.Message);
                return new FinishedRun(refused, output.Path, WriteErrorOrNothing(output, refused));
            }

            if (output.PreviousHolder is { } previous)
                progress?.Report($"Output {output.Path}: {previous} did not finish; its files were removed");
            using var interrupted = interruption.OnInterrupted(reason => WriteErrorOrNothing(output, new RunOutcome.Interrupted(reason)));
            var outcome = await OutcomeAsync(request, progress, interruption).ConfigureAwait(false);
            if (outcome is RunOutcome.Completed { Result: var result })
            {
                try
                {
                    var reports = await output.WriteReportsAsync(result, CancellationToken.None).ConfigureAwait(false);
                    // An interruption while they were written left its error file, which is what the folder says: so does the exit code.
                    return output.Error is { } won
                        ? new FinishedRun(won, output.Path, WriteErrorOrNothing(output, won))
                        : new FinishedRun(outcome, output.Path, reports);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // No verdict without its report.
                    outcome = new RunOutcome.ConfigurationError(OutputFolder.NotWritable(output.Path, e).Message);
                }
            }

            return new FinishedRun(outcome, output.Path, WriteErrorOrNothing(output, outcome));
        }
    }

    private async Task<RunOutcome> OutcomeAsync(RunRequest request, IProgress<string>? progress, Interruption interruption)
    {
        try
        {
            var settings = SettingsResolver.Resolve(request.Parameters, request.Environment, request.WorkingDirectory, request.SuiteDirectory, request.CommandLine);
            // An unknown report format stops the run before anything is collected.
            ReportFormats.Select(settings.Formats);
            if (settings.DemoData)
                progress?.Report(RunResult.DemoNotice);
            var result = await new SuiteRunner(controls, clock).RunAsync(settings, progress, interruption.Token).ConfigureAwait(false);
            // An interruption that arrived as the run finished still stops it: its error file may already be written.
            return interruption.Reason is { } late ? new RunOutcome.Interrupted(late) : new RunOutcome.Completed(result);
        }
        catch (Exception e) when (interruption.Reason is { } reason && e is OperationCanceledException or AggregateException)
        {
            return new RunOutcome.Interrupted(reason);
        }
        catch (Exception e) when (Unwrap(e) is InputException input)
        {
            return new RunOutcome.ConfigurationError(input.Message);
        }
        catch (Exception e)
        {
            return new RunOutcome.Broken(Describe(e));
        }
    }

    /// <summary>The reason a run broke, as a person reads it: never a stack trace.</summary>
    public static string Describe(Exception failure)
    {
        var root = Unwrap(failure);
        return root switch
        {
            InputException input => input.Message,
            NotImplementedException => $"{root.Message} (this build of the suite is incomplete)",
            _ => $"{root.GetType().Name}: {root.Message}",
        };
    }

    private static Exception Unwrap(Exception failure) => failure switch
    {
        AggregateException { InnerExceptions.Count: 1 } aggregate => Unwrap(aggregate.InnerExceptions[0]),
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        TypeInitializationException { InnerException: { } inner } => Unwrap(inner),
        _ => failure,
    };

    private static IReadOnlyList<string> WriteErrorOrNothing(OutputFolder output, RunOutcome outcome)
    {
        try
        {
            var written = output.WriteError(outcome);
            // Already written by the interruption itself: the same two files.
            return written.Count > 0 ? written : [Path.Combine(output.Path, OutputFolder.ErrorJsonFile), Path.Combine(output.Path, OutputFolder.ErrorTextFile)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string TargetOf(RunRequest request) =>
        SettingsResolver.FirstGiven("Target", request.Parameters, request.Environment, request.CommandLine) ?? "the embedded reference";
}
