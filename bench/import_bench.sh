#!/usr/bin/env bash
# Import throughput, server memory and start-up time on a generated directory.
#   bash bench/import_bench.sh [RECORDS] [BUILD_DIR]
# Generates RECORDS (default 100000) records with ../shared/data/gen_directory.py,
# imports them through the CLI over gRPC into a fresh data directory, then
# restarts the server on that directory RUNS times and reports the median
# start-up time (process start to "listening" line).
set -euo pipefail
cd "$(dirname "$0")/.."
records="${1:-100000}"
build="${2:-build}"
runs="${RUNS:-5}"
gen="../shared/data/gen_directory.py"
work="$(mktemp -d /tmp/sofdir-bench-XXXXXX)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

data="$work/sof-$records.jsonl"
python3 "$gen" --records "$records" --out "$data"
echo "dataset: $records records, $(du -h "$data" | cut -f1)"

start_server() {  # prints the address; server pid in $server_pid
  local log="$work/server.log"
  : > "$log"
  "$build/server/sofdir-server" --listen 127.0.0.1:0 --data-dir "$work/db" > "$log" 2>&1 &
  server_pid=$!
  local t0=$(date +%s.%N)
  until grep -q "listening on" "$log"; do sleep 0.01; done
  local t1=$(date +%s.%N)
  startup=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
  address=$(grep -o "listening on [^ ]*" "$log" | cut -d' ' -f3)
}

start_server
t0=$(date +%s.%N)
"$build/client/sofdir" import "$data" --server "$address" > "$work/import.txt"
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
echo "import: $(head -1 "$work/import.txt")"
printf "import wall time %.2f s, %.0f records/s (CLI over gRPC, synced writes)\n" "$secs" \
  "$(awk -v r="$records" -v s="$secs" 'BEGIN{print r/s}')"
echo "server RSS after import: $(grep VmRSS /proc/$server_pid/status | awk '{printf "%.0f MB", $2/1024}')"
kill -TERM "$server_pid"; wait "$server_pid" || true

times=()
for i in $(seq "$runs"); do
  start_server
  times+=("$startup")
  rss=$(grep VmRSS /proc/$server_pid/status | awk '{printf "%.0f MB", $2/1024}')
  kill -TERM "$server_pid"; wait "$server_pid" || true
done
median=$(printf "%s\n" "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
echo "start-up on $records records: median ${median} s over $runs runs (all: ${times[*]}); RSS after start $rss"
