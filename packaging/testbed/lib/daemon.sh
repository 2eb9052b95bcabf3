# Stopping and starting the testbed's daemon from scripts that run inside the VM (the bench's
# inner scripts): source /opt/agentsh-testbed/lib/daemon.sh. The pid lives where boot.sh put it.
DAEMON_PID_FILE=/run/agentsh-testbed-server.pid

daemon_pid() { cat "$DAEMON_PID_FILE" 2>/dev/null; }

# stop_daemon: SIGTERM, then wait for the exit. The old daemon holds the API port until it has
# exited, so a daemon started before that would fail to bind while the old one answered /health.
stop_daemon() {
  local old; old=$(daemon_pid)
  [ -n "$old" ] || return 0
  kill "$old" 2>/dev/null
  for _ in $(seq 600); do kill -0 "$old" 2>/dev/null || return 0; sleep 0.1; done
  echo "testbed: daemon $old did not stop" >&2; exit 1
}

# start_daemon [JVM OPTIONS]: starts it as boot.sh does (log appended to $OUT_DIR/server.log) and
# waits for /health; exits if the new daemon is not the one running.
start_daemon() {
  JAVA_TOOL_OPTIONS="${1:-}" setsid agentsh server --config /etc/agentsh/config.yaml >>"${OUT_DIR:-/tmp}/server.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$DAEMON_PID_FILE"
  for _ in $(seq 300); do curl -fsS -m 1 http://127.0.0.1:18080/health >/dev/null 2>&1 && break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null || { echo "testbed: the daemon did not start (server.log)" >&2; exit 1; }
}
