#!/usr/bin/env bash
# Bulk statement benchmark (issue 13; never run by the tests): 1000 STOPPED connectors on a real
# worker, `STOP CONNECTORS LIKE 'bulk-%'` at several concurrencies against a sequential curl loop
# and `xargs -P 8 curl` of the same `PUT /connectors/{name}/stop`. One run each, as the issue
# asks; prints a Markdown table (BENCHMARKS.md is made from it).
#
#   bench/bulk-stop.sh                                   # own cluster (kcsh --embedded --detach)
#   KCSH_BENCH_URL=http://127.0.0.1:18083 bench/bulk-stop.sh   # a running worker
#   KCSH=target/debug/kcsh ...                           # skip the release build
set -euo pipefail
cd "$(dirname "$0")/.."
N=${KCSH_BENCH_CONNECTORS:-1000}
LEVELS=${KCSH_BENCH_LEVELS:-"1 4 8 16 32"}
if [[ -z "${KCSH:-}" ]]; then
  cargo build --release --quiet
  KCSH=${CARGO_TARGET_DIR:-$PWD/target}/release/kcsh
fi
RUN_DIR=""
cleanup() { if [ -n "$RUN_DIR" ]; then "$KCSH" --stop "$RUN_DIR" >&2 || true; fi; }
trap cleanup EXIT
if [ -n "${KCSH_BENCH_URL:-}" ]; then
  URL=$KCSH_BENCH_URL
else
  out=$("$KCSH" --embedded --detach)
  URL=$(sed -n 's/^url=//p' <<<"$out")
  RUN_DIR=$(sed -n 's/^run_dir=//p' <<<"$out")
fi
echo "bench: cluster at $URL" >&2

names=$(mktemp)
trap 'rm -f "$names"; cleanup' EXIT
seq -f "bulk-%04g" 1 "$N" >"$names"
existing=$(curl -sf "$URL/connectors" | python3 -c 'import json,sys; print(sum(1 for n in json.load(sys.stdin) if n.startswith("bulk-")))')
if [ "$existing" -lt "$N" ]; then
  echo "bench: creating $N stopped connectors" >&2
  xargs -P 8 -I{} curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' "$URL/connectors" \
    -d '{"name":"{}","config":{"connector.class":"FileStreamSource","topic":"bulk","file":"/tmp/{}.txt","tasks.max":"1"},"initial_state":"STOPPED"}' <"$names" || true
fi

secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'; }
curl_loop() { while read -r n; do curl -sf -o /dev/null -X PUT "$URL/connectors/$n/stop"; done <"$names"; }
curl_par() { xargs -P 8 -I{} curl -sf -o /dev/null -X PUT "$URL/connectors/{}/stop" <"$names"; }

loop=$(secs curl_loop)
par=$(secs curl_par)
echo "| run | time | vs curl loop | vs xargs -P 8 curl |"
echo "| --- | --- | --- | --- |"
echo "| curl loop (sequential) | $loop s | 1.00 | $(awk -v a="$loop" -v b="$par" 'BEGIN { printf "%.2f", a / b }') |"
echo "| xargs -P 8 curl | $par s | $(awk -v a="$par" -v b="$loop" 'BEGIN { printf "%.2f", a / b }') | 1.00 |"
for c in $LEVELS; do
  t=$(secs "$KCSH" --url "$URL" --concurrency "$c" -e "STOP CONNECTORS LIKE 'bulk-%'")
  echo "| kcsh --concurrency $c | $t s | $(awk -v a="$t" -v b="$loop" 'BEGIN { printf "%.2f", a / b }') | $(awk -v a="$t" -v b="$par" 'BEGIN { printf "%.2f", a / b }') |"
done
