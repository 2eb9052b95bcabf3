# Command blocking through the HTTP API.
category "command blocking via the API"

t_api_exec_denied() {
  local sid
  sid=$(suite_session) || { why "cannot create a session: HTTP $HTTP ${BODY:0:200}"; return 1; }
  api POST "/api/v1/sessions/$sid/exec" '{"command":"sudo","args":["id"]}'
  [ "$HTTP" = 403 ] || { why "HTTP $HTTP, expected 403: ${BODY:0:200}"; return 1; }
  [ "$(json "d['result']['exit_code']")" = 126 ] || { why "result.exit_code $(json "d['result']['exit_code']"), expected 126"; return 1; }
  local rule
  rule=$(json "(d.get('result',{}).get('error') or {}).get('policy_rule') or (d.get('guidance') or {}).get('policy_rule')")
  [ "$rule" = block-shell-escape ] || why "rule '$rule', expected block-shell-escape: ${BODY:0:200}"
}
check api-exec-sudo-403 t_api_exec_denied

t_api_exec_allowed() {
  local sid
  sid=$(suite_session) || { why "cannot create a session: HTTP $HTTP ${BODY:0:200}"; return 1; }
  api POST "/api/v1/sessions/$sid/exec" '{"command":"echo","args":["via","api"]}'
  [ "$HTTP" = 200 ] || { why "HTTP $HTTP: ${BODY:0:200}"; return 1; }
  [ "$(json "d['result']['exit_code']")" = 0 ] || { why "exit_code $(json "d['result']['exit_code']")"; return 1; }
  [ "$(json "d['result']['stdout'].strip()")" = "via api" ] || why "stdout '$(json "d['result']['stdout']")'"
}
check api-exec-echo-200 t_api_exec_allowed

t_api_bad_json() {
  local sid
  sid=$(suite_session) || { why "no session"; return 1; }
  api POST "/api/v1/sessions/$sid/exec" '{"command":'
  [ "$HTTP" = 400 ] || why "malformed JSON: HTTP $HTTP, expected 400"
}
check api-malformed-json-400 t_api_bad_json

# agentsh exec --pty with a real terminal on the CLI's side (python's pty module): PTY_OUT, PTY_RC.
pty_cli() {
  PTY_OUT=$(AGENTSH_SERVER="$API" timeout 90 /usr/bin/python3 - "$@" <<'PY' 2>&1
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b''
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors='replace'))
sys.exit(os.waitstatus_to_exitcode(st))
PY
  ); PTY_RC=$?
}

t_api_pty_terminal() {
  local sid
  sid=$(suite_session) || { why "no session"; return 1; }
  pty_cli agentsh exec --pty "$sid" -- /bin/sh -c '[ -t 0 ] && [ -t 1 ] && echo PTY-IS-TTY; tty; exit 3'
  [ "$PTY_RC" = 3 ] || { why "exit $PTY_RC, expected 3: ${PTY_OUT:0:300}"; return 1; }
  case "$PTY_OUT" in *PTY-IS-TTY*/dev/pts/*) ;; *) why "no terminal for the command: ${PTY_OUT:0:300}"; return 1 ;; esac
}
check api-exec-pty-terminal t_api_pty_terminal

t_api_pty_denied() {
  local sid
  sid=$(suite_session) || { why "no session"; return 1; }
  pty_cli agentsh exec --pty "$sid" -- sudo id
  [ "$PTY_RC" = 126 ] || { why "exit $PTY_RC, expected 126 (as without --pty): ${PTY_OUT:0:300}"; return 1; }
  case "$PTY_OUT" in *"command denied by policy"*"Tip: re-run without --pty"*) ;;
    *) why "deny text missing: ${PTY_OUT:0:300}"; return 1 ;; esac
  case "$PTY_OUT" in *"uid="*) why "sudo ran: ${PTY_OUT:0:300}"; return 1 ;; esac
  AGENTSH_PTY_DENY_MODE=error pty_cli agentsh exec --pty "$sid" -- sudo id
  [ "$PTY_RC" = 1 ] || why "AGENTSH_PTY_DENY_MODE=error: exit $PTY_RC, expected 1: ${PTY_OUT:0:300}"
}
check api-exec-pty-denied-like-non-pty t_api_pty_denied
