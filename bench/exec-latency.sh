#!/usr/bin/env bash
# End-to-end latency of `agentsh exec SID -- /bin/true` against /bin/true run directly.
#   AGENTSH=/path/to/agentsh  (any client binary: the native front end, or the Java CLI;
#                              default: this tree's Java CLI)
#   AGENTSH_SERVER=...        (a running server; default: start one from this tree on 127.0.0.1:18190)
#   RUNS=500
set -euo pipefail
source "$(dirname "$0")/lib.sh"
RUNS="${RUNS:-500}"
WORK="$(mktemp -d /tmp/agentsh-bench-XXXXXX)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

if [ -z "${AGENTSH_SERVER:-}" ]; then
  cat > "$WORK/config.yaml" <<YAML
server:
  http: { addr: "127.0.0.1:18190" }
  unix_socket: { path: $WORK/agentsh.sock }
auth: { type: none }
audit: { storage: { sqlite_path: $WORK/events.db } }
sessions: { base_dir: $WORK/sessions }
policies: { dir: $ROOT/../shared/compat/exe.dev, default: default }
YAML
  [ -d "$ROOT/../shared/compat" ] || sed -i "s#$ROOT/../shared#/work/shared#" "$WORK/config.yaml"
  AGENTSH_DATA_DIR="$WORK" $(agentsh_java_cmd) server --config "$WORK/config.yaml" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  export AGENTSH_SERVER=http://127.0.0.1:18190
  for _ in $(seq 100); do curl -sf "$AGENTSH_SERVER/ready" >/dev/null && break; sleep 0.1; done
fi
if [ -z "${AGENTSH:-}" ]; then
  printf '#!/bin/sh\nexec %s "$@"\n' "$(agentsh_java_cmd)" > "$WORK/agentsh"; chmod +x "$WORK/agentsh"
  AGENTSH="$WORK/agentsh"
fi
mkdir -p "$WORK/ws"
SID=$(curl -sf -X POST "$AGENTSH_SERVER/api/v1/sessions" -d "{\"workspace\":\"$WORK/ws\"}" | sed 's/.*"id":"\([^"]*\)".*/\1/')

measure() { # measure OUT CMD...
  local out=$1; shift
  : > "$out"
  for _ in $(seq "$RUNS"); do
    local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 )) >> "$out"
  done
}
measure "$WORK/direct.us" /bin/true
measure "$WORK/agentsh.us" "$AGENTSH" exec "$SID" -- /bin/true
printf '%-32s %10s %10s  (microseconds, %d runs)\n' "" median p99 "$RUNS"
printf '%-32s %10s %10s\n' "/bin/true" "$(pct "$WORK/direct.us" 50)" "$(pct "$WORK/direct.us" 99)"
printf '%-32s %10s %10s\n' "agentsh exec SID -- /bin/true" "$(pct "$WORK/agentsh.us" 50)" "$(pct "$WORK/agentsh.us" 99)"
printf 'client: %s\n' "$AGENTSH"
