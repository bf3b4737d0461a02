#!/usr/bin/env bash
# Compares validated messages:send throughput of our emulator with Prism (@stoplight/prism-cli)
# mocking the same spec, on loopback, with wrk as the load generator. Installs what it needs:
# wrk from Debian, Prism from npm (into .cache/prism). Usage: bench/prism.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
source bench/lib.sh
if [ ! -x .cache/prism/node_modules/.bin/prism ]; then
  mkdir -p .cache/prism
  npm install --prefix .cache/prism --no-audit --no-fund --silent @stoplight/prism-cli@5.16.0 >/dev/null
fi
emu_port=18080 emu_batch_port=18081 prism_port=14010
start_emulator $emu_port $emu_batch_port
.cache/prism/node_modules/.bin/prism mock --errors -p $prism_port specs/conversation.yaml >/dev/null 2>&1 &
started
wait_for $emu_port
wait_for $prism_port
create_bench_app $emu_port
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
