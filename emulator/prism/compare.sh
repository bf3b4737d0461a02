#!/usr/bin/env bash
# Compares the emulator's validated messages:send throughput with Prism mocking the same
# spec (specs/conversation.yaml), with the same Go load generator (32 concurrent clients over
# loopback HTTP). Run from the repository root:
#
#   emulator/prism/compare.sh            # installs @stoplight/prism-cli into a temp dir
#   BENCHTIME=10s emulator/prism/compare.sh
#
# Needs npm (for Prism) and Go. It prints both benchmarks' lines; compare the req/s columns.
set -euo pipefail
export GOTOOLCHAIN=local
root=$(cd "$(dirname "$0")/../.." && pwd)
benchtime=${BENCHTIME:-5s}
port=${PRISM_PORT:-4010}
work=$(mktemp -d)
trap 'kill "${prism_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

(cd "$work" && npm install --silent --no-audit --no-fund @stoplight/prism-cli >/dev/null)
"$work/node_modules/.bin/prism" mock -p "$port" "$root/specs/conversation.yaml" >"$work/prism.log" 2>&1 &
prism_pid=$!
for _ in $(seq 1 120); do
	if curl -s -o /dev/null "http://127.0.0.1:$port/v1/projects/p/apps" -H 'Authorization: Bearer x'; then break; fi
	sleep 1
done

cd "$root"
SINCH_PRISM_URL="http://127.0.0.1:$port" SINCH_PRISM_PID="$prism_pid" go test ./emulator/ -run '^$' \
	-bench 'SendMessageThroughput$|PrismSendMessageThroughput$' -benchtime "$benchtime" -benchmem
