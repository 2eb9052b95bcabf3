#!/usr/bin/env bash
# Daemon resident memory after 100 sessions and 1,000 execs, and time from start to /ready,
# with the flags in packaging/jvm.options. Uses its own port (18191) and data dir.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
WORK="$(mktemp -d /tmp/agentsh-rss-XXXXXX)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
POLICIES="$ROOT/../shared/compat/exe.dev"; [ -d "$POLICIES" ] || POLICIES=/work/shared/compat/exe.dev
cat > "$WORK/config.yaml" <<YAML
server:
  http: { addr: "127.0.0.1:18191" }
  unix_socket: { path: $WORK/agentsh.sock }
auth: { type: none }
audit: { storage: { sqlite_path: $WORK/events.db } }
sessions: { base_dir: $WORK/sessions, max_sessions: 200 }
policies: { dir: $POLICIES, default: default }
YAML
S=http://127.0.0.1:18191
t0=$(date +%s%N)
AGENTSH_DATA_DIR="$WORK" $(agentsh_java_cmd) server --config "$WORK/config.yaml" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
until curl -sf "$S/ready" >/dev/null; do sleep 0.02; done
t1=$(date +%s%N)
echo "ready after $(( (t1 - t0) / 1000000 )) ms"
mkdir -p "$WORK/ws"
SIDS=()
for i in $(seq 100); do
  SIDS+=("$(curl -sf -X POST "$S/api/v1/sessions" -d "{\"workspace\":\"$WORK/ws\"}" | sed 's/.*"id":"\([^"]*\)".*/\1/')")
done
for i in $(seq 0 999); do
  curl -sf -X POST "$S/api/v1/sessions/${SIDS[$((i % 100))]}/exec" -d '{"command":"/bin/true"}' >/dev/null
done
sleep 1
echo "sessions: $(curl -sf "$S/metrics" | awk '/^agentsh_sessions_active /{print $2}')," \
     "execs ok: $(curl -sf "$S/metrics" | awk -F' ' '/^agentsh_execs_total\{outcome="ok"\}/{print $2}')"
grep -E 'VmRSS|VmHWM' /proc/$SERVER_PID/status
