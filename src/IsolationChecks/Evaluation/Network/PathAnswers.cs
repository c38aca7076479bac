using IsolationChecks.Snapshots;

namespace IsolationChecks.Evaluation.Network;

/// <summary>
/// The path questions of one run, each answered by the engine once: projects that share a subnet and security groups ask
/// CB-3's question again, and it has one answer. A repeat consults again the evidence the first answer consulted, so a
/// verdict resting on a shared answer still records what it rests on (in the run's evidence log, and in a recording
/// around that verdict). Each control still writes its own findings from the answer. One per network model (see
/// <see cref="Controls.Catalog.EvaluationContext.PathAnswers"/>), never shared between snapshots.
/// </summary>
public sealed class PathAnswers(PathEngine engine, EvidenceLog? log)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (PathAnswer Answer, IReadOnlyCollection<string> Consulted)> _answers = new(StringComparer.Ordinal);

    /// <summary>How many distinct questions the engine has answered.</summary>
    public int Answered
    {
        get
        {
            lock (_lock)
                return _answers.Count;
        }
    }

    public PathAnswer Ask(PathQuery query)
    {
        var key = Key(query);
        (PathAnswer Answer, IReadOnlyCollection<string> Consulted) known;
        lock (_lock)
            _answers.TryGetValue(key, out known);
        if (known.Answer is not null)
        {
            log?.Consulted(known.Consulted);
            return known.Answer;
        }

        IReadOnlyCollection<string> consulted = [];
        var answer = log is null ? engine.Ask(query) : log.Recording(() => engine.Ask(query), out consulted);
        lock (_lock)
            _answers.TryAdd(key, (answer, consulted));
        return answer;
    }

    /// <summary>
    /// Everything that decides an answer and its text: the source as written (a subnet's groups in the order given, which the
    /// answer quotes), the destinations, protocol, ports, quantifier and approved exits.
    /// </summary>
    private static string Key(PathQuery query) => string.Join('|',
        query.Source.GetType().Name, query.Source.ToString(), string.Join(',', query.Destinations), query.Protocol, query.Ports, query.ClientPorts,
        query.Quantifier, query.InternetOnly, query.RequestOnly, string.Join(',', query.ApprovedEgress ?? []));
}
