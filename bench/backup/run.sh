#!/usr/bin/env bash
# Backup and restore figures at 100,000 records with bookings.
#   bench/backup/run.sh BUILD_DIR RECORDS.jsonl WORK_DIR
# Starts sofdir-server on the records (--demo-data), books seats for 10 s
# (bench booking_load), then times `sofdir backup` (a full one, then one
# after more bookings, taken while booking_load runs), and
# `sofdir-server --restore latest --verify` into a new directory.
set -euo pipefail
build=$(realpath "$1"); records=$(realpath "$2"); work=$3
rm -rf "$work"; mkdir -p "$work"; cd "$work"
"$build/server/sofdir-server" --listen 127.0.0.1:0 --data-dir data --demo-data "$records" \
  --backup-dir backups > server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until grep -q "listening on" server.log; do sleep 1; done
port=$(grep -o "listening on [0-9.:]*" server.log | head -1 | sed 's/.*://')
addr=127.0.0.1:$port
grep -E "loaded|listening" server.log
"$build/bench/booking_load" --server "$addr" --clients 8 --seconds 10 | tail -3
echo "data dir: $(du -sh data | cut -f1)"
s=$(date +%s.%N); "$build/client/sofdir" --server "$addr" backup; e=$(date +%s.%N)
echo "full backup: $(echo "$e - $s" | bc) s"
"$build/bench/booking_load" --server "$addr" --clients 8 --seconds 10 > load.txt &
load=$!
sleep 3
s=$(date +%s.%N); "$build/client/sofdir" --server "$addr" backup; e=$(date +%s.%N)
echo "second backup, while 8 clients book: $(echo "$e - $s" | bc) s"
wait $load; echo "booking_load during the second backup:"; tail -3 load.txt
"$build/client/sofdir" --server "$addr" backup list
echo "backup dir: $(du -sh backups | cut -f1)"
s=$(date +%s.%N)
"$build/server/sofdir-server" --backup-dir backups --restore latest --data-dir restored --verify | tail -2
e=$(date +%s.%N)
echo "restore + verify: $(echo "$e - $s" | bc) s"
s=$(date +%s.%N); "$build/server/sofdir-server" --verify --data-dir restored | tail -1; e=$(date +%s.%N)
echo "verify alone: $(echo "$e - $s" | bc) s"
