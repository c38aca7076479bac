#!/usr/bin/env bash
# One step of an organisation-scale audit: plan | shard | merge-evaluate (deploy/codebuild/buildspec-batch.yml runs them).
#
#   plan            discover the organisation's targets once; a signed plan to EXCHANGE/plan/
#   shard           collect shard $SHARD (K/N) of the plan; a signed part to EXCHANGE/parts/K/
#   merge-evaluate  merge the plan and the $SHARDS parts (refusing unsigned, tampered, overlapping or missing ones),
#                   then run the suite on the merged snapshot as a gate; the reports to EXCHANGE/results/
#
# EXCHANGE is where parts meet: s3://$EVIDENCE_BUCKET/runs/$RUN_ID on CodeBuild (the build role writes it; the bucket
# is versioned with object lock, so a part once written cannot be replaced unseen), or a local folder. The exit code is
# the step's: for merge-evaluate, the suite's (0 the gate passed).
set -euo pipefail

step="${1:?usage: step.sh plan|shard|merge-evaluate}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
configuration="${CONFIGURATION:-Release}"
tool="${ISOLATIONCHECKS:-dotnet $root/src/IsolationChecks.Cli/bin/$configuration/net10.0/IsolationChecks.Cli.dll}"
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
exchange="${EXCHANGE:-s3://${EVIDENCE_BUCKET:?EVIDENCE_BUCKET or EXCHANGE}/runs/${RUN_ID:?RUN_ID (the scheduler sets it)}}"

key="$work/signing.pem"
if [ -n "${SIGNING_KEY_PEM:-}" ]; then printf '%s\n' "$SIGNING_KEY_PEM" > "$key"; else cp "${SIGNING_KEY:?SIGNING_KEY_PEM or SIGNING_KEY}" "$key"; fi
chmod 600 "$key"
trusted="${TRUSTED_KEYS:-$work/trusted.pem}"
[ -f "$trusted" ] || [ -d "$trusted" ] || openssl ec -in "$key" -pubout -out "$trusted" 2>/dev/null

put() {  # put <folder> <exchange path>
  case "$exchange" in
    s3://*) aws s3 cp --recursive --only-show-errors "$1" "$exchange/$2" ;;
    *) mkdir -p "$exchange/$2" && cp -R "$1"/. "$exchange/$2" ;;
  esac
}
get() {  # get <exchange path> <folder>
  case "$exchange" in
    s3://*) aws s3 cp --recursive --only-show-errors "$exchange/$1" "$2" ;;
    *) mkdir -p "$2" && cp -R "$exchange/$1"/. "$2" ;;
  esac
}

case "$step" in
  plan)
    $tool snapshot plan "$root/${POSTURE:?POSTURE}" --out "$work/plan" --key "$key"
    put "$work/plan" plan
    ;;
  shard)
    index="${SHARD:?SHARD (K/N)}"; index="${index%%/*}"
    get plan "$work/plan"
    $tool snapshot collect --plan "$work/plan" --shard "$SHARD" --out "$work/part" --key "$key" \
      --max-concurrency "${MAX_CONCURRENCY:-8}"
    put "$work/part" "parts/$index"
    ;;
  merge-evaluate)
    get plan "$work/plan"
    parts=()
    for index in $(seq 1 "${SHARDS:?SHARDS (N)}"); do
      get "parts/$index" "$work/parts/$index"
      parts+=("$work/parts/$index")
    done
    $tool snapshot merge --plan "$work/plan" --trusted-keys "$trusted" --out "$work/merged" --key "$key" "${parts[@]}"
    put "$work/merged" merged
    # The gate on the merged snapshot: evaluated offline (the snapshot is already evidence, so nothing is saved again),
    # accepted only as signed by a trusted key.
    status=0
    $tool audit --target "$work/merged" --posture "$work/merged/posture.json" --trusted-keys "$trusted" --gate \
      --output "$work/results" --progress plain || status=$?
    put "$work/results" results
    # Where the build's report group reads findings.junit.xml (buildspec-batch.yml: reports, base-directory results).
    reports="${REPORTS:-$root/results}"
    mkdir -p "$reports" && cp -R "$work/results"/. "$reports/" 2>/dev/null || true
    exit "$status"
    ;;
  *)
    echo "step.sh: unknown step '$step' (plan, shard or merge-evaluate)" >&2
    exit 2
    ;;
esac
