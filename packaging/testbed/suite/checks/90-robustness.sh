# Robustness: many commands, binary data, and a daemon that dies. Runs last: it kills the daemon.
category robustness

t_thousand_commands() {
  local i fails=0 out first=""
  for i in $(seq 1000); do
    out=$(timeout 30 bash -c "echo $i" </dev/null 2>"$SUITE_TMP/err1k")
    local rc=$?
    if [ "$out" != "$i" ]; then
      fails=$((fails + 1))
      [ -n "$first" ] || first="#$i exit $rc, stdout '${out:0:40}', stderr '$(head -c 200 "$SUITE_TMP/err1k" | tr '\n' ' ')'"
    fi
  done
  [ $fails = 0 ] || why "$fails of 1000 sequential shim commands failed (first: $first)"
}
check thousand-sequential-shim-commands t_thousand_commands

t_binary_10mb() {
  head -c 10485760 /dev/urandom >"$SUITE_TMP/in.bin"
  timeout 60 bash -c cat <"$SUITE_TMP/in.bin" >"$SUITE_TMP/out.bin" 2>"$SUITE_TMP/err"
  local rc=$?
  [ $rc = 0 ] || { why "exit $rc: $(head -c 200 "$SUITE_TMP/err")"; return 1; }
  cmp -s "$SUITE_TMP/in.bin" "$SUITE_TMP/out.bin" || why "10 MB through bash -c cat: output differs ($(stat -c %s "$SUITE_TMP/out.bin") bytes)"
}
check binary-10mb-byte-identical t_binary_10mb

t_daemon_killed() {
  local pid marker=/tmp/suite-ran-unenforced
  rm -f "$marker"
  pid=$(pgrep -f '^agentsh server' | head -1)
  [ -n "$pid" ] || { why "no agentsh server process to kill"; return 1; }
  kill -KILL "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  run_cmd 30 bash -c "touch $marker; echo ran"
  local ok=1
  [ "$RC" = 126 ] || { why "exit $RC with the daemon dead, expected 126 (stderr: ${ERR:0:160})"; ok=0; }
  if [ $ok = 1 ] && { [ -e "$marker" ] || [[ $OUT == *ran* ]]; }; then why "the command ran with the daemon dead"; ok=0; fi
  restart_server || { [ $ok = 1 ] && why "the daemon did not come back after the check"; ok=0; }
  [ $ok = 1 ]
}
check daemon-killed-refuses t_daemon_killed
