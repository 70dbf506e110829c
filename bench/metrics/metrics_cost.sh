#!/usr/bin/env bash
# The cost of metrics (and of the access log) on search throughput: one
# sofdir-server binary on a copy of a 100k-record data directory, runs
# alternating between --no-metrics --no-access-log ("off"), metrics on
# without the access log ("metrics") and both on (the default, "all"), each
# 16 clients of search_load for SECONDS. Prints searches/s per run and the
# median per variant.
#
# With BASELINE=/path/to/another/sofdir-server, each round also runs that
# binary with both on ("all-baseline"), e.g. a build of an earlier commit.
#
#   bench/metrics/metrics_cost.sh BUILD_DIR DATA_DIR [QUERIES]
#   PAIRS=3 SECONDS_PER_RUN=10 bench/metrics/metrics_cost.sh build /work/bench-data
set -euo pipefail
build=${1:?build dir}
source_data=${2:?100k data dir}
queries=${3:-/work/shared/data/dev-intents.jsonl}
pairs=${PAIRS:-3}
seconds=${SECONDS_PER_RUN:-10}
server=$build/server/sofdir-server
load=$build/bench/search_load
work=$(mktemp -d /tmp/sofdir-metrics-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$source_data" "$work/data"

baseline=${BASELINE:-}
declare -A results
run() {  # name flags...
  local name=$1; shift
  local binary=$server
  [ "$name" = all-baseline ] && binary=$baseline
  "$binary" --data-dir "$work/data" --listen 127.0.0.1:0 "$@" > "$work/$name.log" 2>&1 &
  local pid=$! address=""
  for _ in $(seq 1 300); do
    address=$(sed -n 's/^sofdir-server listening on \([^ ]*\).*/\1/p' "$work/$name.log")
    [ -n "$address" ] && break
    sleep 0.2
  done
  sleep 1
  local rate
  rate=$("$load" --server "$address" --clients 16 --seconds "$seconds" --queries "$queries" 2>&1 |
    sed -n 's/^search .* \([0-9][0-9]*\) calls\/s.*/\1/p' | head -1)
  echo "$name: $rate searches/s"
  results[$name]="${results[$name]:-} $rate"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for _ in $(seq 1 "$pairs"); do
  run off --no-metrics --no-access-log
  run metrics --no-access-log
  run all
  if [ -n "$baseline" ]; then run all-baseline; fi
done
names="off metrics all"
[ -n "$baseline" ] && names="$names all-baseline"
for name in $names; do
  median=$(echo ${results[$name]} | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  echo "median $name: $median searches/s (runs:${results[$name]})"
done
