# Soft delete (issue 5): in the workspace (/root) a delete, an rmdir and a rename over an existing
# file go to the trash (exe.dev's soft-delete-workspace rule); `agentsh trash list` shows the
# victim and `agentsh trash restore TOKEN` brings it back byte-identical with its mode. Commands
# run through the shim and through the API; the same with FUSE off (the syscall supervisor).
category "soft delete"

SD_CONF=/etc/agentsh/config.yaml

# sd_token PATH: the newest trash token whose original path is PATH (operator view of the store).
sd_token() {
  agentsh trash list --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
e = [m for m in json.load(sys.stdin) if m.get("original_path") == sys.argv[1]]
e.sort(key=lambda m: int(m["token"]))
print(e[-1]["token"] if e else "")' "$1"
}

# sd_fixture PATH MODE: a file of random bytes with MODE; a copy to compare with in $SUITE_TMP.
sd_fixture() {
  rm -rf "$1"
  head -c 65536 /dev/urandom >"$1" && chmod "$2" "$1" && cp -p "$1" "$SUITE_TMP/orig.$(basename "$1")"
}

# sd_gone_and_listed PATH: PATH no longer exists and `agentsh trash list` shows it; sets TOKEN.
sd_gone_and_listed() {
  local del_err=$ERR
  [ ! -e "$1" ] || { why "$1 still exists after the delete (rc=$RC ${ERR:0:160})"; return 1; }
  run_cmd 30 agentsh trash list
  [[ $OUT == *"$1"* ]] || { why "agentsh trash list does not show $1: ${OUT:0:200} (the delete's stderr: ${del_err:0:200})"; return 1; }
  TOKEN=$(sd_token "$1")
  [ -n "$TOKEN" ] || { why "no trash entry with original_path $1"; return 1; }
}

# sd_restored PATH MODE: `agentsh trash restore $TOKEN` puts PATH back byte-identical with MODE.
sd_restored() {
  run_cmd 30 agentsh trash restore "$TOKEN"
  [ "$RC" = 0 ] || { why "trash restore $TOKEN: exit $RC ${ERR:0:200}"; return 1; }
  [ -f "$1" ] || { why "$1 not back after restore (${OUT:0:120})"; return 1; }
  cmp -s "$1" "$SUITE_TMP/orig.$(basename "$1")" || { why "$1 restored but not byte-identical"; return 1; }
  [ "$(stat -c %a "$1")" = "$2" ] || { why "$1 restored with mode $(stat -c %a "$1"), expected $2"; return 1; }
}

# A file removed with rm through the shim.
t_sd_file_shim() {
  local f=/root/soft_del_test.txt
  sd_fixture "$f" 640 || { why "cannot make $f"; return 1; }
  run_started 30 "rm $f; echo rc=\$?" || return 1
  [[ $OUT == *rc=0* ]] || { why "rm exited non-zero: ${OUT:0:120} ${ERR:0:160}"; return 1; }
  sd_gone_and_listed "$f" || return 1
  sd_restored "$f" 640 || return 1
  rm -f "$f"
}
check soft-delete-and-restore t_sd_file_shim

# The same through the API (POST /sessions/{id}/exec), the listing also through the API.
t_sd_file_api() {
  local f=/root/soft_del_api.txt sid
  sd_fixture "$f" 600 || { why "cannot make $f"; return 1; }
  sid=$(suite_session) || { why "cannot create a session: HTTP $HTTP ${BODY:0:200}"; return 1; }
  api POST "/api/v1/sessions/$sid/exec" "{\"command\":\"rm\",\"args\":[\"$f\"]}"
  [ "$HTTP" = 200 ] && [ "$(json "d['result']['exit_code']")" = 0 ] \
    || { why "API rm: HTTP $HTTP ${BODY:0:200}"; return 1; }
  sd_gone_and_listed "$f" || return 1
  api GET "/api/v1/trash?session=$sid"
  [ "$HTTP" = 200 ] && [[ $BODY == *"$TOKEN"* ]] || { why "GET /api/v1/trash does not list $TOKEN: HTTP $HTTP ${BODY:0:200}"; return 1; }
  sd_restored "$f" 600 || return 1
  rm -f "$f"
}
check soft-delete-via-api t_sd_file_api

# A directory removed with rmdir after emptying it; restored with its mode.
t_sd_rmdir() {
  local d=/root/soft_del_dir
  rm -rf "$d"; mkdir "$d" && echo inner >"$d/inner.txt" && chmod 750 "$d" || { why "cannot make $d"; return 1; }
  run_started 30 "rm $d/inner.txt && rmdir $d; echo rc=\$?" || return 1
  [[ $OUT == *rc=0* ]] || { why "rm + rmdir exited non-zero: ${OUT:0:120} ${ERR:0:160}"; return 1; }
  sd_gone_and_listed "$d" || return 1
  run_cmd 30 agentsh trash restore "$TOKEN"
  [ "$RC" = 0 ] || { why "trash restore $TOKEN: exit $RC ${ERR:0:200}"; return 1; }
  [ -d "$d" ] || { why "$d not back after restore"; return 1; }
  [ "$(stat -c %a "$d")" = 750 ] || { why "$d restored with mode $(stat -c %a "$d"), expected 750"; return 1; }
  rm -rf "$d"
}
check soft-delete-rmdir-restore t_sd_rmdir

# `mv other file`: the overwritten file goes to the trash. Restoring it onto the file now there
# without --force is refused with a clear message and changes nothing; with --force it comes back.
t_sd_mv_over() {
  local f=/root/soft_del_mv.txt o=/root/soft_del_mv_other.txt
  sd_fixture "$f" 644 || { why "cannot make $f"; return 1; }
  echo "the other file" >"$o"
  run_started 30 "mv $o $f; echo rc=\$?" || return 1
  [[ $OUT == *rc=0* ]] || { why "mv exited non-zero: ${OUT:0:120} ${ERR:0:160}"; return 1; }
  [ "$(cat "$f")" = "the other file" ] && [ ! -e "$o" ] || { why "mv did not replace $f"; return 1; }
  run_cmd 30 agentsh trash list
  [[ $OUT == *"$f"* ]] || { why "the file overwritten by mv is not in the trash: ${OUT:0:200}"; return 1; }
  TOKEN=$(sd_token "$f")
  run_cmd 30 agentsh trash restore "$TOKEN"
  [ "$RC" != 0 ] || { why "restore onto an existing file without --force succeeded"; return 1; }
  [[ $ERR == *"destination exists"*"--force"* ]] || { why "no clear refusal: ${ERR:0:200}"; return 1; }
  [ "$(cat "$f")" = "the other file" ] || { why "the refused restore changed $f"; return 1; }
  [ -n "$(sd_token "$f")" ] || { why "the refused restore dropped the trash entry"; return 1; }
  run_cmd 30 agentsh trash restore --force "$TOKEN"
  [ "$RC" = 0 ] || { why "restore --force: exit $RC ${ERR:0:200}"; return 1; }
  cmp -s "$f" "$SUITE_TMP/orig.$(basename "$f")" || { why "restore --force did not bring the original back"; return 1; }
  [ "$(stat -c %a "$f")" = 644 ] || { why "mode $(stat -c %a "$f") after restore, expected 644"; return 1; }
  rm -f "$f" "$o"
}
check soft-delete-mv-over-restore t_sd_mv_over

# ---- restarts: stop the daemon (TERM, as a service manager does), start it with CONFIG ----------

sd_stop_server() {
  local pid
  pid=$(pgrep -f '^agentsh server' | head -1)
  [ -n "$pid" ] || return 0
  kill -TERM "$pid"
  for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid"; sleep 0.2
}

sd_start_server() {
  setsid agentsh server --config "$1" >>"${TESTBED_OUT:-$TB/out}/server.log" 2>&1 </dev/null &
  echo $! >/run/agentsh-testbed-server.pid
  rm -f "$SUITE_TMP/sid"   # API sessions of the old daemon are gone
  for _ in $(seq 300); do curl -fsS -m 1 "$API/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# Deleted before a restart, restored after it; the stopped daemon left no FUSE view mounted.
t_sd_restart() {
  local f=/root/soft_del_restart.txt
  sd_fixture "$f" 640 || { why "cannot make $f"; return 1; }
  run_started 30 "rm $f" || return 1
  sd_gone_and_listed "$f" || return 1
  sd_stop_server
  if grep -q ' fuse\.agentsh ' /proc/self/mountinfo; then
    why "a FUSE view is still mounted after the daemon stopped: $(grep ' fuse\.agentsh ' /proc/self/mountinfo | head -1)"
    sd_start_server "$SD_CONF"; return 1
  fi
  sd_start_server "$SD_CONF" || { why "the daemon did not come back"; return 1; }
  sd_restored "$f" 640 || return 1
  rm -f "$f"
}
check soft-delete-restore-after-restart t_sd_restart

# A daemon that dies (KILL) leaves its FUSE views mounted with no server behind them; the next
# start unmounts them, and the next command gets a fresh view.
t_sd_crash_sweep() {
  run_started 30 "stat -f -c %T /root" || return 1
  [[ ${OUT%%$'\n'*} == fuse* ]] || { why "no FUSE view before the crash ('${OUT:0:40}')"; return 1; }
  local pid
  pid=$(pgrep -f '^agentsh server' | head -1)
  kill -KILL "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  grep -q ' fuse\.agentsh ' /proc/self/mountinfo || { sd_start_server "$SD_CONF"; why "no view left mounted after KILL (nothing to sweep: the check proves nothing)"; return 1; }
  sd_start_server "$SD_CONF" || { why "the daemon did not come back"; return 1; }
  if grep -q ' fuse\.agentsh ' /proc/self/mountinfo; then
    why "stale views still mounted after the restart: $(grep ' fuse\.agentsh ' /proc/self/mountinfo | awk '{print $5}' | head -3)"; return 1
  fi
  run_started 30 "stat -f -c %T /root; ls /root >/dev/null && echo listed" || return 1
  [[ ${OUT%%$'\n'*} == fuse* && $OUT == *listed* ]] || { why "no working view after the restart: '${OUT:0:80}' ${ERR:0:120}"; return 1; }
}
check soft-delete-crash-no-stale-view t_sd_crash_sweep

# sandbox.fuse.enabled: false: the same soft delete through the syscall supervisor (rm, rmdir,
# mv over a file), and the workspace is then not a FUSE mount. The daemon goes back to the
# testbed's config afterwards.
t_sd_no_fuse() {
  # Next to the testbed's config: data_dir (so the trash) defaults by the config file's directory.
  local conf=/etc/agentsh/config-nofuse.yaml
  /usr/bin/python3 - "$SD_CONF" "$conf" <<'PY' 2>"$SUITE_TMP/edit.err" || { why "config edit failed: $(head -c 200 "$SUITE_TMP/edit.err")"; return 1; }
import re, sys
src, dst = sys.argv[1:]
t = open(src).read()
t, n = re.subn(r'^(  fuse:[ \t]*\n    enabled:)[ \t]*true', r'\1 false', t, flags=re.M)
if n != 1: sys.exit("sandbox.fuse.enabled: true not found in " + src)
open(dst, "w").write(t)
PY
  sd_stop_server
  sd_start_server "$conf" || { why "the daemon did not start with sandbox.fuse.enabled: false"; sd_start_server "$SD_CONF"; return 1; }
  local ok=0
  ( t_sd_file_shim && t_sd_rmdir && t_sd_mv_over && t_sd_file_api ) || ok=1
  if [ $ok = 0 ]; then
    run_started 30 "stat -f -c %T /root" || ok=1
    [ $ok = 1 ] || [[ ${OUT%%$'\n'*} != fuse* ]] || { why "FUSE disabled but /root is $OUT inside the command"; ok=1; }
  fi
  sd_stop_server
  rm -f "$conf"
  sd_start_server "$SD_CONF" || { [ $ok = 1 ] || why "the daemon did not come back on $SD_CONF"; ok=1; }
  return $ok
}
check soft-delete-without-fuse t_sd_no_fuse

# sandbox.fuse.enabled: the workspace is the FUSE view inside a session's commands, through the
# shim and through the API (GNU stat names the FUSE magic "fuseblk").
t_workspace_is_fuse() {
  run_started 30 "stat -f -c %T /root" || return 1
  [[ ${OUT%%$'\n'*} == fuse* ]] || { why "shim: /root inside the command is '${OUT:0:60}', not FUSE (rc=$RC ${ERR:0:120})"; return 1; }
  local sid
  sid=$(suite_session) || { why "cannot create a session: HTTP $HTTP ${BODY:0:200}"; return 1; }
  api POST "/api/v1/sessions/$sid/exec" '{"command":"stat","args":["-f","-c","%T","/root"]}'
  [[ $(json "d['result']['stdout'].strip()") == fuse* ]] || { why "API: /root inside the command is not FUSE: HTTP $HTTP ${BODY:0:200}"; return 1; }
  api GET "/api/v1/sessions/$sid"
  local wm
  wm=$(json "d.get('workspace_mount','')")
  [ -n "$wm" ] && [ "$wm" != /root ] || { why "the session's workspace_mount is '$wm', expected the view's mount point"; return 1; }
}
check workspace-is-fuse t_workspace_is_fuse
