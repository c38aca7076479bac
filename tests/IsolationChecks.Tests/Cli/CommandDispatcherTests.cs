using IsolationChecks.Cli;
using IsolationChecks.Running;

namespace IsolationChecks.Tests.Cli;

/// <summary>The console tool's exit codes are the documented ones, whatever the command.</summary>
public class CommandDispatcherTests
{
    private sealed class Waiting : ICommand
    {
        public string Name => "wait";

        public string Usage => "isolationchecks wait";

        public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return ExitCodes.GatePassed;
        }
    }

    private sealed class Refusing : ICommand
    {
        public string Name => "refuse";

        public string Usage => "isolationchecks refuse";

        public Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
            throw new InputException("posture.json", "$.accounts", "an object");
    }

    [Test]
    public async Task An_interrupted_command_exits_4_and_says_so()
    {
        using var interruption = new Interruption();
        var error = new StringWriter();
        var running = new CommandDispatcher([new Waiting()]).RunAsync(["wait"], new StringWriter(), error, interruption.Token);

        interruption.Interrupt("SIGTERM received");

        Assert.That(await running.WaitAsync(TimeSpan.FromSeconds(5)), Is.EqualTo(ExitCodes.Interrupted));
        Assert.That(error.ToString(), Does.Contain("interrupted"));
    }

    [Test]
    public async Task Bad_input_and_command_line_mistakes_are_configuration_errors()
    {
        var dispatcher = new CommandDispatcher([new Refusing()]);

        Assert.That(await dispatcher.RunAsync(["refuse"], new StringWriter(), new StringWriter(), CancellationToken.None), Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(await dispatcher.RunAsync(["nope"], new StringWriter(), new StringWriter(), CancellationToken.None), Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(await dispatcher.RunAsync([], new StringWriter(), new StringWriter(), CancellationToken.None), Is.EqualTo(ExitCodes.ConfigurationError));
    }
}
