#!/bin/bash
# RSS of the server after the same gRPC load, without and with the HTTP side (plus an HTTP load).
# Run from the project root. BUILD: the build dir; DATA: a 100k data dir (copied first);
# SHARED: ../shared; /tmp/q.txt: the dev intent texts, one per line (see above).
B=${BUILD:-build}
rss() { awk '/VmRSS/{print $2}' /proc/$1/status; }
for round in 1 2; do
for mode in nohttp http; do
  rm -rf /tmp/bd-rss; cp -r ${DATA:-/work/bench-data} /tmp/bd-rss
  extra=""; [ $mode = http ] && extra="--http-listen 127.0.0.1:8097"
  $B/server/sofdir-server --data-dir /tmp/bd-rss --listen 127.0.0.1:50097 $extra > /tmp/rss-$mode.log 2>&1 &
  pid=$!
  for i in $(seq 1 120); do grep -q "listening\|serving" /tmp/rss-$mode.log && break; sleep 1; done
  sleep 1
  r0=$(rss $pid)
  $B/bench/search_load --server 127.0.0.1:50097 --clients 16 --seconds 10 --queries ${SHARED:-../shared}/data/dev-intents.jsonl > /tmp/rss-load.txt 2>&1
  r1=$(rss $pid)
  r2=""
  if [ $mode = http ]; then QUERIES=/tmp/q.txt wrk -t2 -c16 -d10s -s $(dirname "$0")/search.lua http://127.0.0.1:8097 > /tmp/rss-wrk.txt 2>&1; r2=$(rss $pid); fi
  echo "round $round $mode: after start ${r0} kB, after gRPC load ${r1} kB, after HTTP load ${r2} kB; $(grep -i 'searches/s' /tmp/rss-load.txt | head -1)"
  kill $pid; wait $pid
done
done
