# ptrace backend and PID namespaces. The suite runs twice (scripts/test.sh): with the exe.dev
# config (seccomp user notification, exec through the execve-only ptrace hybrid) and with
# config-ptrace.yaml (security.mode: ptrace). The ptrace stress checks are registered only in the
# ptrace run; the PID-namespace checks run in both, against the same server restarted with
# sandbox.namespaces.pid: true (then restarted with the run's own config).
category "ptrace & PID namespaces"

SERVER_CONFIG=/etc/agentsh/config.yaml
cfg_ptrace_mode() { grep -Eq '^  mode: ptrace' "$SERVER_CONFIG"; }
filtered_out() { [ -n "$filter" ] && [[ $1 != *$filter* ]]; }

# pidns_server on|off: restarts the daemon with sandbox.namespaces.pid added (on) or with the
# run's own config again (off).
pidns_server() {
  local pid
  if [ "$1" = on ]; then
    cp "$SERVER_CONFIG" "$SUITE_TMP/config.orig"
    sed -i '/^sandbox:/a\  namespaces:\n    pid: true' "$SERVER_CONFIG"
  else
    cp "$SUITE_TMP/config.orig" "$SERVER_CONFIG"
  fi
  pid=$(pgrep -f '^agentsh server' | head -1)
  [ -z "$pid" ] || { kill -TERM "$pid"; for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -KILL "$pid" 2>/dev/null; }
  rm -f "$SUITE_TMP/sid"
  restart_server
}

t_backend_matches_config() {
  # The server says which backend arms commands; it must be the one the config asks for.
  local log=${TESTBED_OUT:-$TB/out}/server.log want
  if cfg_ptrace_mode; then want="mode ptrace, backend ptrace"; else want="backend hybrid"; fi
  grep -q "$want" "$log" || { why "server log has no '$want': $(grep -m1 'kernel enforcement' "$log")"; return 1; }
  # And a governed command really is traced (TracerPid: the daemon).
  run_started 30 'grep -E "^(TracerPid|Seccomp_filters):" /proc/self/status' || return 1
  [[ $OUT =~ TracerPid:[[:space:]]*[1-9] ]] || why "command not traced: $OUT"
}
check kernel-backend-matches-config t_backend_matches_config

t_ptrace_stress() {
  # No lost tracee: 2,000 sequential short commands (a quarter of them sh -c four levels deep
  # carrying an exit status up, a quarter 10-way fan-outs) and 40 concurrent ones (two processes
  # each), all in one governed tree (the exe.dev policy's pids_max is 100 per command; 200
  # concurrent governed commands are the next check); every exit status must arrive and the run
  # must end (timeout).
  cat >/tmp/suite-stress.sh <<'EOS'
bad=0
for i in $(seq 1 2000); do
  case $((i % 4)) in
    0) sh -c 'sh -c "sh -c \"sh -c \\\"exit 7\\\"\""'; [ $? = 7 ] || bad=$((bad + 1)) ;;
    1) /bin/true || bad=$((bad + 1)) ;;
    2) pids=""; for j in 0 1 2 3 4 5 6 7 8 9; do sh -c "exit $j" & pids="$pids $!"; done
       j=0; for p in $pids; do wait "$p"; [ $? = $j ] || bad=$((bad + 1)); j=$((j + 1)); done ;;
    3) echo "$i" >/tmp/suite-stress-f && [ "$(cat /tmp/suite-stress-f)" = "$i" ] || bad=$((bad + 1)) ;;
  esac
done
echo "sequential_bad=$bad"
pids=""
for i in $(seq 1 40); do sh -c "sleep 0.0$((i % 10)); exit $((i % 5))" & pids="$pids $i:$!"; done
bad=0
for e in $pids; do wait "${e#*:}"; [ $? = $(( ${e%%:*} % 5 )) ] || bad=$((bad + 1)); done
echo "concurrent_bad=$bad"
rm -f /tmp/suite-stress-f
EOS
  run_started 600 'bash /tmp/suite-stress.sh' || return 1
  rm -f /tmp/suite-stress.sh
  [ "$RC" = 0 ] || { why "stress run exit $RC (timeout: 124): ${OUT: -120} ${ERR:0:120}"; return 1; }
  [[ $OUT == *"sequential_bad=0"*"concurrent_bad=0"* ]] || why "lost or wrong exit statuses: $(tr '\n' ' ' <<<"$OUT" | head -c 200) ${ERR:0:160}"
}
cfg_ptrace_mode && check ptrace-no-lost-tracee t_ptrace_stress

t_ptrace_concurrent() {
  # 200 concurrent governed commands through the exec API, each armed and traced on its own
  # (alternately sh -c four levels deep and a 10-way fan-out), then 25 concurrent through the
  # shim; every one must end with its own exit status. (At 50-100 concurrent shim commands on
  # the loaded 2-core VM a few were refused (126) because their arming did not complete in time
  # (shim answer 10 s, wrapper LSTN 30 s): failing closed, not a lost tracee; see the ptrace
  # section of docs/kernel-enforcement.md.)
  local sid i bad=0 detail="" got
  sid=$(suite_session) || { why "no session"; return 1; }
  for i in $(seq 1 200); do
    local script
    if [ $((i % 2)) = 0 ]; then script="sh -c 'sh -c \\\"sh -c \\\\\\\"exit $((i % 4))\\\\\\\"\\\"'"
    else script="for j in 0 1 2 3 4 5 6 7 8 9; do sh -c 'exit 0' & done; wait; exit $((i % 4))"; fi
    curl -sS -m 180 -o "$SUITE_TMP/c$i" -H 'Content-Type: application/json' \
      --data "{\"command\":\"sh\",\"args\":[\"-c\",\"$script\"]}" "$API/api/v1/sessions/$sid/exec" &
  done
  wait
  for i in $(seq 1 25); do
    ( timeout 120 bash -c "sh -c 'sh -c \"sh -c \\\"exit $((i % 4))\\\"\"'" </dev/null >/dev/null 2>"$SUITE_TMP/e$i"
      echo $? >"$SUITE_TMP/s$i" ) &
  done
  wait
  for i in $(seq 1 200); do
    BODY=$(cat "$SUITE_TMP/c$i" 2>/dev/null)
    got=$(json "d['result']['exit_code']")
    if [ "$got" != $((i % 4)) ]; then
      bad=$((bad + 1)); detail="$detail api#$i(want $((i % 4)) got '${got}': $(head -c 300 "$SUITE_TMP/c$i" | tr '\n' ' '))"
    fi
  done
  for i in $(seq 1 25); do
    got=$(cat "$SUITE_TMP/s$i" 2>/dev/null)
    if [ "$got" != $((i % 4)) ]; then
      bad=$((bad + 1)); detail="$detail shim#$i(want $((i % 4)) got '${got}': $(head -c 200 "$SUITE_TMP/e$i" | tr '\n' ' '))"
    fi
  done
  [ $bad = 0 ] || why "$bad of 225 concurrent governed commands lost or wrong:${detail:0:600}"
}
cfg_ptrace_mode && check ptrace-200-concurrent-commands t_ptrace_concurrent

t_pidns_ps() {
  # ps -e inside a session lists only the session's own processes: the command is pid 1.
  run_started 30 'sleep 3 & ps -e -o pid=,comm=; echo "self=$$"' || return 1
  local n
  n=$(grep -cE '^ *[0-9]+ ' <<<"$OUT")
  [[ $OUT == *"self=1"* ]] || { why "the command is not pid 1 of its namespace: $OUT"; return 1; }
  [ "$n" -le 6 ] || { why "ps -e lists $n processes: ${OUT:0:200}"; return 1; }
  ! grep -qE 'java|agentsh|init|systemd|unshare' <<<"$OUT" || why "processes outside the session are visible: $OUT"
}
if ! filtered_out pidns-; then
pidns_server on || echo "pidns: the server did not come back with sandbox.namespaces.pid" >&2
check pidns-ps-lists-own-only t_pidns_ps

t_pidns_kill_init() {
  # kill -9 1 names the session's own pid 1 (the kernel ignores it there); nothing outside dies.
  local before
  before=$(cat /proc/1/stat | cut -d' ' -f22)
  run_started 30 'kill -9 1; echo "rc=$?"; echo alive; kill -9 -1 2>/dev/null; echo still' || return 1
  [[ $OUT == *alive*still* ]] || { why "the command did not survive kill -9 1 / -1: $OUT ${ERR:0:120}"; return 1; }
  [ "$(cat /proc/1/stat | cut -d' ' -f22)" = "$before" ] || { why "the testbed's init changed"; return 1; }
  curl -fsS -m 5 "$API/health" >/dev/null || why "the server died"
}
check pidns-kill-9-1-fails t_pidns_kill_init
pidns_server off || echo "pidns: the server did not come back with the run's config" >&2
fi
