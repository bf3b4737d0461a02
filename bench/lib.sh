# Shared by the load scripts beside it (bench/floor.sh, bench/prism.sh); source it after
# `cd` to the repository root. It installs wrk when missing, starts the emulator on loopback,
# waits for servers, creates the app the requests name, and runs wrk; every process started
# with `started` is stopped when the script exits.
if ! command -v wrk >/dev/null; then
  { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null
fi
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
# started records the last background process so that it is stopped on exit.
started() { pids+=($!); }
# start_emulator PORT BATCH_PORT: the emulator with no rate limit and no ingress pacing.
start_emulator() {
  mkdir -p .cache
  go build -o .cache/sinch ./cmd/sinch
  .cache/sinch emulator --addr 127.0.0.1:$1 --batch-addr 127.0.0.1:$2 --rate-limit 0 --ingress-rate 0 >/dev/null 2>&1 &
  started
}
# wait_for PORT: until something answers HTTP on the port (30 s at most).
wait_for() { for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.25; done; echo "port $1 never answered" >&2; exit 1; }
# create_bench_app PORT: the app bench/send.lua names (SINCH_BENCH_APP), so that the emulator
# does the whole send rather than answer 404.
create_bench_app() {
  SINCH_BENCH_APP=$(curl -s -X POST -H 'Authorization: Bearer bench-token' -H 'Content-Type: application/json' \
    -d '{"display_name":"bench","channel_credentials":[{"channel":"SMS","static_bearer":{"claimed_identity":"bench","token":"bench"}}]}' \
    "http://127.0.0.1:$1/v1/projects/bench-project/apps" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  export SINCH_BENCH_APP
  [ -n "$SINCH_BENCH_APP" ] || { echo "could not create the bench app" >&2; exit 1; }
}
# run PORT: one wrk run of messages:send ($conns connections, $secs seconds); its last line.
run() { wrk -t2 -c"$conns" -d"${secs}s" -s bench/send.lua "http://127.0.0.1:$1" | tail -1; }
