#!/usr/bin/env bash
# Compares validated messages:send throughput of our emulator with Prism (@stoplight/prism-cli)
# mocking the same spec, on loopback, with wrk as the load generator. Installs what it needs:
# wrk from Debian, Prism from npm (into .cache/prism). Usage: bench/prism.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
if ! command -v wrk >/dev/null; then
  { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null
fi
if [ ! -x .cache/prism/node_modules/.bin/prism ]; then
  mkdir -p .cache/prism
  npm install --prefix .cache/prism --no-audit --no-fund --silent @stoplight/prism-cli@5.16.0 >/dev/null
fi
emu_port=18080 emu_batch_port=18081 prism_port=14010
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
go build -o .cache/sinch ./cmd/sinch
.cache/sinch emulator --addr 127.0.0.1:$emu_port --batch-addr 127.0.0.1:$emu_batch_port --rate-limit 0 --ingress-rate 0 >/dev/null 2>&1 &
pids+=($!)
.cache/prism/node_modules/.bin/prism mock --errors -p $prism_port specs/conversation.yaml >/dev/null 2>&1 &
pids+=($!)
wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.25; done; echo "port $1 never answered" >&2; exit 1; }
wait_for $emu_port
wait_for $prism_port
# The app the requests name, so that the emulator does the whole send (not a 404).
SINCH_BENCH_APP=$(curl -s -X POST -H 'Authorization: Bearer bench-token' -H 'Content-Type: application/json' \
  -d '{"display_name":"bench","channel_credentials":[{"channel":"SMS","static_bearer":{"claimed_identity":"bench","token":"bench"}}]}' \
  "http://127.0.0.1:$emu_port/v1/projects/bench-project/apps" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
export SINCH_BENCH_APP
[ -n "$SINCH_BENCH_APP" ] || { echo "could not create the bench app" >&2; exit 1; }
run() { wrk -t2 -c"$conns" -d"${secs}s" -s bench/send.lua "http://127.0.0.1:$1" | tail -1; }
echo "wrk: 2 threads, $conns connections, ${secs}s, POST messages:send (validated against specs/conversation.yaml)"
emu=$(run $emu_port)
prism=$(run $prism_port)
echo "emulator: $emu"
echo "prism:    $prism"
e=$(echo "$emu" | awk '{print $2}') p=$(echo "$prism" | awk '{print $2}')
awk -v e="$e" -v p="$p" 'BEGIN { if (p > 0) printf "emulator/prism throughput (wrk): %.1fx\n", e / p }'
echo
echo "The same comparison with the emulator's Go load generator (32 clients), which also reports"
echo "CPU per request: the emulator's includes the load generator, Prism's is its server alone."
SINCH_PRISM_URL="http://127.0.0.1:$prism_port" SINCH_PRISM_PID="${pids[1]}" GOTOOLCHAIN=local \
  go test ./emulator/ -run '^$' -bench 'SendMessageThroughput$|PrismSendMessageThroughput$' \
  -benchtime "${secs}s" -benchmem | grep -E '^Benchmark'
