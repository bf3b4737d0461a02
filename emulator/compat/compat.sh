#!/usr/bin/env bash
# Runs the official Sinch Node SDK against the emulator (see node_sdk.mjs). Run from the
# repository root: emulator/compat/compat.sh. Needs npm and Go.
set -euo pipefail
export GOTOOLCHAIN=local
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'kill "${emu_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
# @sinch/sdk-core 1.5 depends on @sinch/conversation 1.5, which not every registry mirror has;
# 1.4.0 brings @sinch/conversation 1.4.0.
(cd "$work" && npm install --silent --no-audit --no-fund @sinch/sdk-core@1.4.0 >/dev/null)
cp "$root/emulator/compat/node_sdk.mjs" "$work/"
go build -o "$work/sinch" "$root/cmd/sinch"
port=$(( 20000 + RANDOM % 20000 ))
"$work/sinch" emulator --addr "127.0.0.1:$port" --batch-addr 127.0.0.1:0 >"$work/emu.log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
cd "$work" && EMU_URL="http://127.0.0.1:$port" node node_sdk.mjs
