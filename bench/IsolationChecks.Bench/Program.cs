using IsolationChecks.Bench;

// Usage (bench/run drives these; see bench/README.md):
//   paths [--seed N] [--quick]                       the path engine on generated networks
//   catalog                                          the call catalog as JSON
//   run --posture P --output DIR [--endpoint URL] [--snapshot DIR] [--timeout 30m] [--again true] [--marks true]
//                                                    the tool's whole live run (again: a second time in the process)
//   evaluate --snapshot DIR [--rounds N] [--warm-seconds S] [--min-warm-rounds N]  parse vs controls on a saved snapshot
var command = args.FirstOrDefault() ?? "paths";
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2)
    options[args[i].TrimStart('-')] = args[i + 1];

return command switch
{
    "catalog" => CatalogExport.Run(),
    "run" => await ToolRun.RunAsync(options),
    "evaluate" => await EvaluationBenchmark.RunAsync(options),
    _ => PathProgram.Run(args.SkipWhile(a => a == "paths").ToArray()),
};
