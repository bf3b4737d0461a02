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
source bench/lib.sh
emu_port=18180 emu_batch_port=18181 bare_port=18190
start_emulator $emu_port $emu_batch_port
go build -o .cache/bare ./bench/bare
.cache/bare -addr 127.0.0.1:$bare_port &
started
wait_for $emu_port
wait_for $bare_port
create_bench_app $emu_port
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
