#!/usr/bin/env bash
# Measures validated messages:send throughput of the emulator against the floor of a bare
# net/http server answering a fixed body (bench/bare), with wrk on loopback, interleaved
# round by round so that both meet the same machine load. Prints each round and the ratio of
# the medians. Usage: bench/floor.sh [ROUNDS] [SECONDS] [CONNECTIONS]  (defaults 3 5 16)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
secs=${2:-5}
conns=${3:-16}
if ! command -v wrk >/dev/null; then
  { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null
fi
emu_port=18180 emu_batch_port=18181 bare_port=18190
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
mkdir -p .cache
go build -o .cache/sinch ./cmd/sinch
go build -o .cache/bare ./bench/bare
.cache/sinch emulator --addr 127.0.0.1:$emu_port --batch-addr 127.0.0.1:$emu_batch_port --rate-limit 0 --ingress-rate 0 >/dev/null 2>&1 &
pids+=($!)
.cache/bare -addr 127.0.0.1:$bare_port &
pids+=($!)
wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.25; done; echo "port $1 never answered" >&2; exit 1; }
wait_for $emu_port
wait_for $bare_port
SINCH_BENCH_APP=$(curl -s -X POST -H 'Authorization: Bearer bench-token' -H 'Content-Type: application/json' \
  -d '{"display_name":"bench","channel_credentials":[{"channel":"SMS","static_bearer":{"claimed_identity":"bench","token":"bench"}}]}' \
  "http://127.0.0.1:$emu_port/v1/projects/bench-project/apps" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
export SINCH_BENCH_APP
[ -n "$SINCH_BENCH_APP" ] || { echo "could not create the bench app" >&2; exit 1; }
run() { wrk -t2 -c"$conns" -d"${secs}s" -s bench/send.lua "http://127.0.0.1:$1" | tail -1; }
echo "wrk: 2 threads, $conns connections, ${secs}s per run, $rounds rounds, POST messages:send; load: $(cut -d' ' -f1-3 /proc/loadavg)"
emu_all=() bare_all=()
for i in $(seq 1 "$rounds"); do
  b=$(run $bare_port); e=$(run $emu_port)
  echo "round $i bare:     $b"
  echo "round $i emulator: $e"
  bare_all+=("$(echo "$b" | awk '{print $2}')") emu_all+=("$(echo "$e" | awk '{print $2}')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bm=$(median "${bare_all[@]}") em=$(median "${emu_all[@]}")
awk -v e="$em" -v b="$bm" 'BEGIN { printf "median requests/s: emulator %d, bare floor %d, ratio %.2f\n", e, b, e / b }'
