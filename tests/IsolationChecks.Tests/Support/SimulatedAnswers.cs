using System.Text;
using System.Text.Json.Nodes;
using IsolationChecks.Aws.Calls;
using IsolationChecks.Controls.Catalog;
using IsolationChecks.Controls.Iam;
using IsolationChecks.Controls.Iam.IAM1_PullPrincipalCannotWrite;
using IsolationChecks.Controls.Iam.IAM2_PullOnlyFromIsolatedCidrs;
using IsolationChecks.Controls.Iam.IAM3_PushOnlyFromNatGateways;
using IsolationChecks.Evaluation.Policies;
using IsolationChecks.Snapshots;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Support;

/// <summary>
/// Puts IAM's simulator answers into a built snapshot, as a live run collects them: one
/// iam/simulate-principal-policy/KEY.json per question the IAM controls ask (or the manifest's record that the call failed).
/// </summary>
internal static class SimulatedAnswers
{
    private static readonly CrossCheckedIamControl[] Controls = [new PullPrincipalCannotWrite(), new PullOnlyFromIsolatedCidrs(), new PushOnlyFromNatGateways()];

    public static IReadOnlyList<SimulationQuery> Questions(EvaluationContext context) =>
        Controls.SelectMany(c => c.Questions(context)).Select(q => q.Query).DistinctBy(q => q.Key).ToList();

    /// <param name="answer">IAM's decision for one action of a question.</param>
    /// <param name="failWith">Record every simulation as failed with this error code instead of answering.</param>
    /// <param name="unanswered">Questions left out of the snapshot altogether (no file, no manifest record).</param>
    public static EvaluationContext Attach(
        EvaluationContext context, Func<SimulationQuery, string, SimulatedDecision> answer, string? failWith = null, Func<SimulationQuery, bool>? unanswered = null)
    {
        var questions = Controls.SelectMany(c => c.Questions(context)).ToList();
        var scopes = context.Snapshot.Scopes.Select(scope =>
        {
            var mine = questions.Where(q => q.AccountId == scope.AccountId).Select(q => q.Query).DistinctBy(q => q.Key).ToList();
            if (mine.Count == 0)
                return scope;
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var calls = new List<ManifestCall>();
            foreach (var query in mine.Where(q => unanswered?.Invoke(q) != true))
            {
                var path = scope.PathOf(AwsCalls.SimulatePrincipalPolicy.FileFor(query.Key));
                if (failWith is not null)
                {
                    calls.Add(new ManifestCall(scope.Folder, "iam", "SimulatePrincipalPolicy", query.Key, null, "failed", 0, 1, 0, failWith,
                        "User is not authorized to perform: iam:SimulatePrincipalPolicy"));
                    continue;
                }

                var results = new JsonArray(query.Actions.Select(a => answer(query, a)).Select(d => (JsonNode?)new JsonObject
                {
                    ["EvalActionName"] = d.Action,
                    ["EvalDecision"] = d.Decision,
                    ["MissingContextValues"] = new JsonArray(d.MissingContextValues.Select(v => (JsonNode?)v).ToArray()),
                }).ToArray());
                files[path] = Encoding.UTF8.GetBytes(new JsonObject { ["Request"] = query.ToRequest(), ["EvaluationResults"] = results }.ToJsonString());
                calls.Add(new ManifestCall(scope.Folder, "iam", "SimulatePrincipalPolicy", query.Key, path, "ok", 1, 1, 0));
            }

            var manifest = new SnapshotManifest(SnapshotManifest.CurrentFormat, "test", DateTimeOffset.UnixEpoch, [], calls,
                files.ToDictionary(f => f.Key, f => FileDigest.Sha256Hex(f.Value)));
            return scope with { Documents = new ScopeReader(new SnapshotFiles("test", files, manifest), scope.Folder) };
        }).ToList();
        return context with { Snapshot = context.Snapshot with { Scopes = scopes } };
    }
}
