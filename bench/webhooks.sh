#!/usr/bin/env bash
# Measures what subscribing webhooks costs validated messages:send: three emulators, one with
# no webhook, one with 1 and one with 5 webhooks subscribed to MESSAGE_SUBMIT and
# MESSAGE_DELIVERY, all pointing at a local target (bench/bare, which answers 200 at once),
# loaded with wrk on loopback, interleaved round by round (the order rotates each round) so
# that all three meet the same machine load. Callbacks go at the emulator's default rate
# (--callback-rate 25 per app, the API's default), so most of a load test's callbacks wait
# in, or are refused by, the bounded per-target queue: what is measured is what the
# webhooks cost the sends. Prints each run, the median of each case and the ratios to the
# no-webhook case. Usage: bench/webhooks.sh [ROUNDS] [SECONDS] [CONNECTIONS]  (defaults 3 5 16)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
secs=${2:-5}
conns=${3:-16}
if ! command -v wrk >/dev/null; then
  { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null
fi
target_port=18291
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
mkdir -p .cache
go build -o .cache/sinch ./cmd/sinch
go build -o .cache/bare ./bench/bare
.cache/bare -addr 127.0.0.1:$target_port &
pids+=($!)
wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.25; done; echo "port $1 never answered" >&2; exit 1; }
wait_for $target_port
api() { curl -s -X POST -H 'Authorization: Bearer bench-token' -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$1/v1/projects/bench-project/$3"; }
cases=(0 1 5)
declare -A port app
for n in "${cases[@]}"; do
  port[$n]=$((18200 + 10 * n))
  .cache/sinch emulator --addr 127.0.0.1:${port[$n]} --batch-addr 127.0.0.1:$((port[$n] + 1)) --rate-limit 0 --ingress-rate 0 >/dev/null 2>&1 &
  pids+=($!)
  wait_for "${port[$n]}"
  app[$n]=$(api "${port[$n]}" '{"display_name":"bench","channel_credentials":[{"channel":"SMS","static_bearer":{"claimed_identity":"bench","token":"bench"}}]}' apps |
    sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  [ -n "${app[$n]}" ] || { echo "could not create the bench app" >&2; exit 1; }
  for i in $(seq 1 "$n"); do
    api "${port[$n]}" "{\"app_id\":\"${app[$n]}\",\"target\":\"http://127.0.0.1:$target_port/hook$i\",\"triggers\":[\"MESSAGE_SUBMIT\",\"MESSAGE_DELIVERY\"]}" webhooks | grep -q '"id"' ||
      { echo "could not create webhook $i" >&2; exit 1; }
  done
done
run() { SINCH_BENCH_APP=${app[$1]} wrk -t2 -c"$conns" -d"${secs}s" -s bench/send.lua "http://127.0.0.1:${port[$1]}" | tail -1; }
echo "wrk: 2 threads, $conns connections, ${secs}s per run, $rounds rounds, POST messages:send; load: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A all
for r in $(seq 1 "$rounds"); do
  k=$(( (r - 1) % 3 ))
  for j in 0 1 2; do
    n=${cases[$(( (k + j) % 3 ))]}
    out=$(run "$n")
    echo "round $r webhooks=$n: $out"
    all[$n]="${all[$n]:-} $(echo "$out" | awk '{print $2}')"
  done
done
median() { printf '%s\n' $@ | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m0=$(median ${all[0]}) m1=$(median ${all[1]}) m5=$(median ${all[5]})
awk -v a="$m0" -v b="$m1" -v c="$m5" 'BEGIN { printf "median requests/s: no webhook %d, 1 webhook %d (%.2fx), 5 webhooks %d (%.2fx); load: ", a, b, b / a, c, c / a }'
cut -d' ' -f1-3 /proc/loadavg
