"""The end-to-end benchmark: for each size, an estate in moto behind a latency proxy; the tool's whole live run, its
evaluation split into parse and controls, and the AWS CLI and boto3 scripts generated from the same call catalog, all
in one run; then the results table with every target marked met or not.

Usage: bench/run [--sizes 1,10,100] [--latency 30ms] [--boto3-sizes 1,10,100] [--cli-sizes 1,10] [--out bench/results]
"""
import argparse
import json
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
# The bench runs the tool's code as the tool ships on this platform: ReadyToRun (pre-compiled) on linux-x64, where the
# tool's package is (see src/IsolationChecks.Cli's csproj); JIT elsewhere, as the portable package runs.
R2R_RID = "linux-x64" if platform.system() == "Linux" and platform.machine() in ("x86_64", "AMD64") else None
BENCH_BIN = os.path.join(REPO, "bench", "IsolationChecks.Bench", "bin", "Release", "net10.0")
BENCH_DLL = os.path.join(BENCH_BIN, R2R_RID, "publish", "IsolationChecks.Bench.dll") if R2R_RID else os.path.join(BENCH_BIN, "IsolationChecks.Bench.dll")
# The collector's limit on calls in flight (CollectionLimits.MaxConcurrency): within what AWS tolerates per service
# (EC2's request-token bucket refills 20 Describe calls a second for an account; IAM and ECR allow fewer).
CONCURRENCY = 8
# Sizes up to this one also measure a second collection in the same process (warm), where a fresh process's start-up
# (building the SDK clients, the first calls' code) is a large share of the collection; at 100× it is under 2%.
WARM_UP_TO = 10
# The plan keys (AwsCalls.Plans) the estate's posture asks for beyond what every scope reads: ECR Public, the ingress
# inventories (load balancers, Client VPN) and IAM's policy simulations. The scripts make the first two; the third's
# questions come from the tool's reasoning.
PLANS = ["ecr-public", "ingress", "policy-simulations"]
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": "eu-west-1",
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "3"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args, cwd=HERE, env=None):
    """Starts a server process and returns it with the JSON line it prints when ready."""
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"{args[1]} exited with {process.wait()} before it was ready")
    return process, json.loads(line)


def timed(args, env=None, cwd=REPO):
    started = time.monotonic()
    result = subprocess.run(args, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    return time.monotonic() - started, result


def proxy_counts(url, reset=False, replay=False):
    action = "replay" if replay else "reset" if reset else "counts"
    request = urllib.request.Request(f"{url}/__bench/{action}", method="GET" if action == "counts" else "POST")
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def minimum_requests(catalog, snapshot, plans):
    """Σ ⌈N / largest page⌉ per listing, plus one request per item or batch the catalog's fan-out declares, from the
    items the collected snapshot holds (the tool's own snapshot, checked against the estate by the scripts' files)."""
    def load(path):
        with open(os.path.join(snapshot, path)) as f:
            return json.load(f)

    def items_of(call):
        fanout = call["fanout"]
        parent = next(c for c in catalog if f'{c["iamPrefix"]}:{c["operation"]}' == fanout["of"])
        if not os.path.exists(os.path.join(snapshot, parent["file"])):
            return []
        where = fanout.get("where")
        values = [v for v in load(parent["file"]).get(fanout["list"], []) if not where or v.get(where["member"], v.get(where["or"])) in where["in"]]
        return sorted({v[fanout["member"]] if fanout["member"] else v for v in values})

    total = 0
    for call in catalog:
        if call["requires"] is not None and call["requires"] not in plans:
            continue
        fanout, paging = call["fanout"], call["paging"]
        if fanout["kind"] == "once":
            pages = 1
            if paging.get("maxPage") and os.path.exists(os.path.join(snapshot, call["file"])):
                document = load(call["file"])
                pages = max(1, max(math.ceil(len(document.get(name, [])) / paging["maxPage"]) for name in paging["lists"]))
            total += pages
        elif fanout["kind"] == "perItem":
            total += len(items_of(call))
        elif fanout["kind"] == "batched":
            total += math.ceil(len(items_of(call)) / fanout["size"])
        elif fanout["kind"] == "planned":
            folder = os.path.join(snapshot, os.path.dirname(call["file"].split("{item}")[0].rstrip("/") + "/x"))
            total += sum(len(files) for _, _, files in os.walk(folder)) if os.path.isdir(folder) else 0
    return total


def rate_bound_ms(catalog, counts, latency_ms):
    """The least time the collector's default rate limits allow for these requests (one account and region here): per
    partition (a service, or one of its actions where the service throttles each apart: CollectionLimits), the round
    trips its first request must wait for (the identity check, then the call it depends on: IAM's simulations wait for
    the evidence they are asked of), its requests beyond its burst at its rate, and the last one's own round trip; the
    slowest partition's."""
    limits, hops = {}, {}
    by_name = {f'{c["iamPrefix"]}:{c["operation"]}': c for c in catalog}

    def waits(call):
        fanout = call["fanout"]
        if fanout["kind"] == "planned":
            return 2
        parent = by_name.get(fanout.get("of") or "")
        return 1 if parent is None else 1 + waits(parent)

    for call in catalog:
        service = call["signingName"] or call["iamPrefix"]
        limits[service] = (call["callsPerSecond"], call["burst"], call["perOperation"])
        hops[(service, call["operation"])] = 0 if call["operation"] == "GetCallerIdentity" else waits(call)
    per_partition = {}
    for key, n in counts.items():
        service, operation = key.split(":", 1)
        partition = (service, operation if limits.get(service, (10, 10, False))[2] else None)
        n_before, hops_before = per_partition.get(partition, (0, 0))
        per_partition[partition] = (n_before + n, max(hops_before, hops.get((service, operation), 1)))
    bounds = []
    for (service, _), (n, hops_before) in per_partition.items():
        rate, burst, _ = limits.get(service, (10, 10, False))
        bounds.append((hops_before + 1) * latency_ms + max(0, n - burst) / rate * 1000)
    return round(max(bounds, default=0))


def file_sizes(run):
    return {f["name"]: f["bytes"] for f in run.get("files", [])}


def measure(size, args, catalog, scripts_dir, out):
    work = os.path.join(out, "work", f"{size}x")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    row = {"size": size}
    moto_port, proxy_port = free_port(), free_port()
    setup_started = time.monotonic()
    estate, ready = start([sys.executable, "estate_server.py", str(moto_port), str(size), work], env={**os.environ, **CREDENTIALS})
    row["setupSeconds"] = round(time.monotonic() - setup_started, 1)
    proxy, _ = start([sys.executable, "latency_proxy.py", str(proxy_port), f"http://127.0.0.1:{moto_port}", str(args.latency_ms), os.path.join(work, "estate.json")])
    url = f"http://127.0.0.1:{proxy_port}"
    try:
        with open(os.path.join(work, "estate.json")) as f:
            units = len(json.load(f)["units"])
        row["units"] = units
        env = {**CREDENTIALS, "AWS_ENDPOINT_URL": url}

        proxy_counts(url, reset=True)
        snapshot = os.path.join(work, "snapshot")
        wall, result = timed(["dotnet", BENCH_DLL, "run", "--posture", os.path.join(work, "posture.json"), "--endpoint", url,
                              "--output", os.path.join(work, "results"), "--snapshot", snapshot], env=env)
        run = json.loads(result.stdout[result.stdout.index("{"):])
        run["wallMs"] = round(wall * 1000)
        served = proxy_counts(url)
        run["requests"] = sum(served["counts"].values())
        run["motoSeconds"] = served["upstreamSeconds"]
        row["tool"] = run

        # The same run again, answered from the proxy's recording of the first: the collector against the latency alone.
        proxy_counts(url, replay=True)
        _, result = timed(["dotnet", BENCH_DLL, "run", "--posture", os.path.join(work, "posture.json"), "--endpoint", url,
                           "--output", os.path.join(work, "replayed"), "--snapshot", os.path.join(work, "replayed-snapshot")], env=env)
        shutil.rmtree(os.path.join(work, "replayed"), ignore_errors=True)
        shutil.rmtree(os.path.join(work, "replayed-snapshot"), ignore_errors=True)
        replayed = json.loads(result.stdout[result.stdout.index("{"):])
        served = proxy_counts(url)
        row["replayed"] = {"collectionMs": replayed["collectionMs"], "requests": sum(served["counts"].values()), "misses": served["replayMisses"],
                           "counts": served["counts"], "concurrency": served["concurrency"], "rateBoundMs": rate_bound_ms(catalog, served["counts"], args.latency_ms),
                           "byStatus": replayed["byStatus"]}
        if replayed["byStatus"] != run["byStatus"]:
            raise RuntimeError(f"{size}×: the run answered from the recording judged {replayed['byStatus']}, the live run {run['byStatus']}: the recording is not faithful")
        if size <= WARM_UP_TO:
            # Twice in one process, from the recording: the second collection is the collector's once the process is warm.
            proxy_counts(url, replay=True)
            _, result = timed(["dotnet", BENCH_DLL, "run", "--posture", os.path.join(work, "posture.json"), "--endpoint", url,
                               "--output", os.path.join(work, "replayed"), "--snapshot", os.path.join(work, "replayed-snapshot"), "--again", "true"], env=env)
            row["replayed"]["warmCollectionMs"] = json.loads(result.stdout[result.stdout.index("{"):])["again"]["collectionMs"]
        proxy_counts(url, reset=True)
        for folder in ("replayed", "replayed-snapshot", "replayed-again", "replayed-snapshot-again"):
            shutil.rmtree(os.path.join(work, folder), ignore_errors=True)
        with open(os.path.join(work, "results", "findings.json")) as f:
            row["findingsInJson"] = len(json.load(f)["findings"])
        row["resources"] = resources(snapshot)
        row["minimum"] = minimum_requests(catalog, snapshot, PLANS)

        _, result = timed(["dotnet", BENCH_DLL, "evaluate", "--snapshot", snapshot, "--rounds", str(args.rounds)])
        row["evaluation"] = json.loads(result.stdout[result.stdout.index("{"):])

        scripts = [("boto3", [sys.executable, os.path.join(scripts_dir, "collect_boto3.py")], args.boto3_sizes),
                   ("awscli", ["bash", os.path.join(scripts_dir, "collect_awscli.sh")], args.cli_sizes)]
        for name, command, sizes in scripts:
            if size in sizes:
                proxy_counts(url, reset=True)
                folder = os.path.join(work, name)
                wall, result = timed(command + [folder], env=env)
                files = sum(len(f) for _, _, f in os.walk(folder))
                row[name] = {"wallMs": round(wall * 1000), "requests": sum(proxy_counts(url)["counts"].values()), "files": files,
                             "exitCode": result.returncode, "stderr": result.stderr[-500:]}
    finally:
        for process in (proxy, estate):
            process.terminate()
            process.wait()
    if not args.keep:
        shutil.rmtree(os.path.join(work, "boto3"), ignore_errors=True)
        shutil.rmtree(os.path.join(work, "awscli"), ignore_errors=True)
    return row


def resources(snapshot):
    """What the estate holds, as collected: the resources the controls judge."""
    counts = {}
    for file, key in (("Vpcs.json", "Vpcs"), ("Subnets.json", "Subnets"), ("RouteTables.json", "RouteTables"), ("NetworkAcls.json", "NetworkAcls"),
                      ("SecurityGroups.json", "SecurityGroups"), ("NetworkInterfaces.json", "NetworkInterfaces"), ("VpcEndpoints.json", "VpcEndpoints"),
                      ("Reservations.json", "Reservations"), ("NatGateways.json", "NatGateways"), ("codebuild/batch-get-projects.json", "projects"),
                      ("ecr/describe-repositories.json", "repositories"), ("elbv2/describe-load-balancers.json", "LoadBalancers")):
        path = os.path.join(snapshot, file)
        if os.path.exists(path):
            with open(path) as f:
                counts[key] = len(json.load(f).get(key, []))
    path = os.path.join(snapshot, "iam/get-account-authorization-details.json")
    if os.path.exists(path):
        with open(path) as f:
            iam = json.load(f)
        counts["principals"] = sum(len(iam.get(k, [])) for k in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"))
    counts["total"] = sum(counts.values())
    return counts


def table(rows, args, environment):
    def ms(value):
        return f"{value / 1000:.1f} s" if value >= 10000 else f"{value:,.0f} ms"

    def mb(value):
        return f"{value / 1048576:.1f} MB" if value >= 1048576 else f"{value / 1024:.0f} KB"

    def mark(ok):
        return "**met**" if ok else "**not met**"

    lines = [f"Measured {environment['date']} on {environment['machine']}; load average {environment['load']} when the run started "
             f"(other builds were running). Latency added per call: {args.latency_ms:g} ms. Command: `{environment['command']}`.", "",
             "| | " + " | ".join(f"{r['size']}×" for r in rows) + " |", "|---|" + "---|" * len(rows)]

    def line(label, cell):
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in rows) + " |")

    line("resources collected (VPCs, subnets, SGs, ENIs, projects, repositories, principals, ...)", lambda r: f"{r['resources']['total']:,}")
    line("estate setup in moto (not part of any run)", lambda r: f"{r['setupSeconds']} s")
    line("HTTP requests the tool made / computed minimum", lambda r: f"{r['tool']['requests']:,} / {r['minimum']:,}")
    line("tool: whole run, fresh process (start-up + collection + evaluation + reports)", lambda r: ms(r["tool"]["wallMs"]))
    line("tool: collection", lambda r: ms(r["tool"]["collectionMs"]))
    line(f"ideal collection: requests × {args.latency_ms:g} ms ÷ {CONCURRENCY} in flight", lambda r: ms(r["tool"]["requests"] * args.latency_ms / CONCURRENCY))
    line("tool: collection answered from the proxy's recording of that run (latency only, no moto) / requests (moto misses)",
         lambda r: f"{ms(r['replayed']['collectionMs'])} / {r['replayed']['requests']:,} ({r['replayed']['misses']})" if "replayed" in r else "not run")
    line("the replayed collection's requests in flight at once: mean while any was / most / time with none",
         lambda r: f"{r['replayed']['concurrency']['meanInFlight']:.1f} / {r['replayed']['concurrency']['maxInFlight']} / "
                   f"{ms(r['replayed']['concurrency']['secondsAt'].get('0', 0) * 1000)}" if "concurrency" in r.get("replayed", {}) else "not measured")
    line("the same, a second time in the same process (warm: no start-up, clients built, code run once)",
         lambda r: ms(r["replayed"]["warmCollectionMs"]) if "warmCollectionMs" in r.get("replayed", {}) else "not run")
    line("least collection time the collector's default rate limits allow (slowest partition: the round trips before its first request and its last, and its requests beyond its burst ÷ its rate)",
         lambda r: ms(r["replayed"]["rateBoundMs"]) if "rateBoundMs" in r.get("replayed", {}) else "not measured")
    line("moto's own time answering the tool's requests (one Python process: it serves them one at a time)", lambda r: ms(r["tool"]["motoSeconds"] * 1000))
    line("boto3 script (generated from the catalog): wall / requests", lambda r: f"{ms(r['boto3']['wallMs'])} / {r['boto3']['requests']:,}" if "boto3" in r else "not run")
    line("AWS CLI script (generated from the catalog): wall / requests", lambda r: f"{ms(r['awscli']['wallMs'])} / {r['awscli']['requests']:,}" if "awscli" in r else "not run")
    line("evaluation, warm: parse / controls", lambda r: f"{r['evaluation']['parseMs']:,.0f} / {r['evaluation']['controlsMs']:,.0f} ms")
    line("evaluation, first in a fresh process: parse / controls", lambda r: f"{r['evaluation']['coldParseMs']:,.0f} / {r['evaluation']['coldControlsMs']:,.0f} ms")
    line("findings (pass / fail / inconclusive)", lambda r: f"{r['tool']['findings']:,} ({r['tool']['byStatus'].get('pass', 0):,} / {r['tool']['byStatus'].get('fail', 0)} / {r['tool']['byStatus'].get('inconclusive', 0)})")
    line("allocated / peak resident memory of the whole run", lambda r: f"{r['tool']['allocatedMB']:,.0f} MB / {r['tool']['peakWorkingSetMB']:,.0f} MB")
    line("snapshot on disk", lambda r: f"{r['evaluation']['snapshotMB']:.1f} MB")
    line("findings.json / report.md / report.html", lambda r: " / ".join(mb(file_sizes(r["tool"]).get(n, 0)) for n in ("findings.json", "report.md", "report.html")))

    biggest = rows[-1]
    reference = rows[0]
    targets = []

    def target(text, ok, evidence):
        targets.append(f"| {text} | {mark(ok)} | {evidence} |")

    ratio = max(r["tool"]["requests"] / r["minimum"] for r in rows)
    target("API calls ≤ 1.05× the computed minimum", ratio <= 1.05, f"worst {ratio:.2f}×")
    cli_rows = [r for r in rows if "awscli" in r]
    if "awscli" in biggest:
        speedup = biggest["awscli"]["wallMs"] / biggest["tool"]["wallMs"]
        target(f"whole run ≥ 5× faster than the AWS CLI script at {biggest['size']}×", speedup >= 5, f"{speedup:.1f}×")
    elif cli_rows and "boto3" in biggest:
        # The CLI pays a process per call: its time per request at the largest size it ran, times the requests a script needs here.
        per_request = cli_rows[-1]["awscli"]["wallMs"] / cli_rows[-1]["awscli"]["requests"]
        estimate = per_request * biggest["boto3"]["requests"]
        speedup = estimate / biggest["tool"]["wallMs"]
        target(f"whole run ≥ 5× faster than the AWS CLI script at {biggest['size']}× (CLI time estimated: {per_request:,.0f} ms a request at "
               f"{cli_rows[-1]['size']}× × {biggest['boto3']['requests']:,} requests)", speedup >= 5, f"{speedup:.1f}× (estimated)")
    if "boto3" in biggest:
        speedup = biggest["boto3"]["wallMs"] / biggest["tool"]["wallMs"]
        target(f"whole run faster than the boto3 script at {biggest['size']}×", speedup > 1, f"{speedup:.1f}×")
    worst = max(r["tool"]["collectionMs"] / (r["tool"]["requests"] * args.latency_ms / CONCURRENCY) for r in rows) if args.latency_ms else float("inf")
    target(f"collection within 1.2× of requests × latency ÷ {CONCURRENCY}", worst <= 1.2, f"worst {worst:.2f}×")
    replayed = [r for r in rows if "replayed" in r]
    if replayed and args.latency_ms:
        worst_replayed = max(r["replayed"]["collectionMs"] / (r["replayed"]["requests"] * args.latency_ms / CONCURRENCY) for r in replayed)
        target(f"collection answered from the recording (no moto) within 1.2× of requests × latency ÷ {CONCURRENCY}", worst_replayed <= 1.2, f"worst {worst_replayed:.2f}×")
        def least(r):
            return max(r["replayed"]["requests"] * args.latency_ms / CONCURRENCY, r["replayed"]["rateBoundMs"])

        bounded = [r for r in replayed if "rateBoundMs" in r["replayed"]]
        if bounded:
            # What AWS tolerates of a rate-limited partition is its rate: rate × latency requests in flight, so its
            # requests × latency ÷ that concurrency is its requests ÷ its rate (beyond its burst).
            ratios = ", ".join(f"{r['size']}× {r['replayed']['collectionMs'] / least(r):.2f}" for r in bounded)
            worst_bounded = max(r["replayed"]["collectionMs"] / least(r) for r in bounded)
            target("collection answered from the recording within 1.2× of requests × latency ÷ the concurrency AWS tolerates "
                   f"({CONCURRENCY} in flight, or where a partition's rate limit binds, its rate × latency)", worst_bounded <= 1.2, ratios)
            warm = [r for r in bounded if "warmCollectionMs" in r["replayed"]]
            if warm:
                ratios = ", ".join(f"{r['size']}× {r['replayed']['warmCollectionMs'] / least(r):.2f}" for r in warm)
                target("the same, the second collection in one process (warm)", max(r["replayed"]["warmCollectionMs"] / least(r) for r in warm) <= 1.2, ratios)
    bound = max(r["tool"]["collectionMs"] / max(r["tool"]["requests"] * args.latency_ms / CONCURRENCY, r["tool"]["motoSeconds"] * 1000) for r in rows)
    target("the same, allowing for moto's serial service time (the bound this bench can reach)", bound <= 1.2, f"worst {bound:.2f}×")
    worst_eval = max(r["evaluation"]["controlsMs"] / max(r["evaluation"]["parseMs"], 1) for r in rows)
    target("controls ≤ 2× parse, every size", worst_eval <= 2, f"worst {worst_eval:.2f}×")
    growth = []
    for small, large in zip(rows, rows[1:]):
        if small["size"] >= 10:
            k = large["size"] / small["size"]
            growth.append((large["evaluation"]["controlsMs"] / small["evaluation"]["controlsMs"]) / k)
    if growth:
        target("evaluation linear from 10× up (k× the data ≤ k× the time)", max(growth) <= 1, f"time grows {max(growth):.2f}× as fast as the data")
    target(f"peak memory of the run at {biggest['size']}× under 300 MB", biggest["tool"]["peakWorkingSetMB"] < 300, f"{biggest['tool']['peakWorkingSetMB']:.0f} MB")
    html = file_sizes(biggest["tool"]).get("report.html", 0)
    target(f"report.html at {biggest['size']}× under 2 MB (reports work, measured here)", html < 2 * 1048576, mb(html))
    target(f"findings.json at {biggest['size']}× complete", biggest["findingsInJson"] == biggest["tool"]["findings"], f"{biggest['findingsInJson']:,} of {biggest['tool']['findings']:,} findings")
    if "boto3" in reference:
        speedup = reference["boto3"]["wallMs"] / reference["tool"]["wallMs"]
        target(f"whole run at {reference['size']}× (reference size) ≥ 2× faster than the boto3 script", speedup >= 2, f"{speedup:.1f}×")
    lines += ["", "| target | | measured |", "|---|---|---|", *targets]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--latency", default="30ms")
    parser.add_argument("--boto3-sizes", default=None, help="sizes at which the boto3 script runs (default: every size)")
    parser.add_argument("--cli-sizes", default="1,10", help="sizes at which the AWS CLI script runs (a process per call: at 100x it takes most of an hour)")
    parser.add_argument("--rounds", type=int, default=5, help="evaluation rounds per size (the first is the cold one)")
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "results"))
    parser.add_argument("--keep", action="store_true", help="keep the scripts' snapshots")
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.boto3_sizes = [int(s) for s in (args.boto3_sizes or ",".join(map(str, args.sizes))).split(",") if s]
    args.cli_sizes = [int(s) for s in args.cli_sizes.split(",") if s]
    args.latency_ms = float(args.latency.removesuffix("ms"))
    os.makedirs(args.out, exist_ok=True)

    build_started = time.monotonic()
    build = ["publish", "-r", R2R_RID, "--self-contained", "false", "-p:PublishReadyToRun=true"] if R2R_RID else ["build"]
    subprocess.run(["dotnet", *build, os.path.join(REPO, "bench", "IsolationChecks.Bench"), "-c", "Release", "-v", "q", "-nologo"], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"bench: built in {time.monotonic() - build_started:.0f} s", file=sys.stderr)
    catalog_json = os.path.join(args.out, "catalog.json")
    with open(catalog_json, "w") as f:
        subprocess.run(["dotnet", BENCH_DLL, "catalog"], check=True, stdout=f)
    with open(catalog_json) as f:
        catalog = json.load(f)["calls"]
    scripts_dir = os.path.join(args.out, "scripts")
    subprocess.run([sys.executable, os.path.join(HERE, "scripts.py"), catalog_json, scripts_dir, *PLANS], check=True)

    environment = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "command": "bench/run " + " ".join(sys.argv[1:]),
    }
    rows = []
    for size in args.sizes:
        print(f"bench: {size}x ...", file=sys.stderr)
        rows.append(measure(size, args, catalog, scripts_dir, args.out))
        with open(os.path.join(args.out, "results.json"), "w") as f:
            json.dump({"environment": environment, "rows": rows}, f, indent=2)
        # The table so far after every size, so a run stopped at a larger size still leaves what it measured.
        markdown = table(rows, args, environment)
        with open(os.path.join(args.out, "results.md"), "w") as f:
            f.write(markdown)
    print(markdown)


if __name__ == "__main__":
    main()
