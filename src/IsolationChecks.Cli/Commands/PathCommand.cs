using IsolationChecks.Evaluation.Network;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;

namespace IsolationChecks.Cli.Commands;

/// <summary>
/// `isolationchecks path`: an ad-hoc question to the path engine over any snapshot the suite reads.
/// Exit code 0 reachable, 1 unreachable, 6 inconclusive (<see cref="ExitCodes.Undecided"/>).
/// </summary>
public sealed class PathCommand : ICommand
{
    public string Name => "path";

    public string Usage => PathArguments.Usage;

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var arguments = PathArguments.Parse(args);
        if (!Directory.Exists(arguments.Snapshot)) throw new UsageException($"--snapshot: no folder '{arguments.Snapshot}'");
        var files = await SnapshotFolder.ReadAsync(arguments.Snapshot, cancellationToken);
        var snapshot = SnapshotReader.Read(files);
        var answer = Answer(snapshot, arguments, out var scope);
        await output.WriteAsync(arguments.Json ? PathOutput.Json(answer, scope) : PathOutput.Text(answer, scope));
        return ExitCode(answer.Verdict);
    }

    public static int ExitCode(PathVerdict verdict) => verdict switch
    {
        PathVerdict.Reachable => ExitCodes.Affirmative,
        PathVerdict.Unreachable => ExitCodes.Negative,
        _ => ExitCodes.Undecided,
    };

    /// <summary>Asks the question in the scope that holds the source (or --account/--region when given).</summary>
    public static PathAnswer Answer(Snapshot snapshot, PathArguments arguments, out ScopeSnapshot scope)
    {
        var scopes = snapshot.Scopes
            .Where(s => arguments.Account is null || s.AccountId == arguments.Account)
            .Where(s => arguments.Region is null || string.Equals(s.Region, arguments.Region, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (scopes.Count == 0)
            throw new UsageException($"the snapshot has no scope for account {arguments.Account ?? "*"} region {arguments.Region ?? "*"} " +
                                     $"(it holds {string.Join(", ", snapshot.Scopes.Select(s => $"{s.AccountId}/{s.Region}"))})");
        var models = scopes.Select(s => (Scope: s, Model: NetworkModel.Build(s))).ToList();
        var holding = models.Where(m => Holds(m.Model, arguments.AnchorId)).ToList();
        var (chosenScope, model) = holding.Count switch
        {
            1 => holding[0],
            0 when models.Count == 1 => models[0],
            0 => throw new UsageException($"no scope of the snapshot holds {arguments.AnchorId}; name one with --account and --region"),
            _ => throw new UsageException($"{arguments.AnchorId} is in more than one scope; name one with --account and --region"),
        };
        scope = chosenScope;
        var engine = new PathEngine(model);
        return arguments.Source is null ? engine.Ask(arguments.ToInboundQuery()) : engine.Ask(arguments.ToQuery());
    }

    private static bool Holds(NetworkModel model, string id) =>
        model.Interface(id) is not null || model.Subnet(id) is not null || model.PrimaryInterfaceOf(id) is not null;
}
