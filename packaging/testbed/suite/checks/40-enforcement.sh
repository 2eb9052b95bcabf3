# Shim enforcement with force=true (stdin is not a TTY here, as for a sandbox API or CI).
category "shim enforcement (force)"

t_sudo_blocked() { expect_denied block-shell-escape bash -c 'sudo id'; }
check sudo-blocked t_sudo_blocked

t_su_blocked() { expect_denied block-shell-escape bash -c 'su -c id'; }
check su-blocked t_su_blocked

t_ssh_blocked() { expect_denied block-network-tools bash -c "ssh -o BatchMode=yes $ALLOWED_NAME true"; }
check ssh-blocked t_ssh_blocked

t_kill_blocked() { expect_denied block-system-commands bash -c '/bin/kill -0 1'; }
check bin-kill-blocked t_kill_blocked

t_env_sudo_blocked() {
  expect_denied "*" bash -c 'env sudo id' || return 1
  [[ $OUT != *uid=* ]] || why "sudo ran: $OUT"
}
check env-sudo-blocked t_env_sudo_blocked

t_sh_c_sudo_blocked() { expect_denied "*" sh -c 'sudo -n true'; }
check sh-c-sudo-blocked t_sh_c_sudo_blocked

t_echo_allowed() { expect_ok "allowed" bash -c 'echo allowed'; }
check echo-allowed t_echo_allowed

t_python_allowed() { expect_ok "py" bash -c 'python3 -c "print(\"py\")"'; }
check python3-allowed t_python_allowed

t_workspace_write() {
  rm -f /root/suite-ws.txt
  expect_ok "workspace data" bash -c 'echo "workspace data" > /root/suite-ws.txt && cat /root/suite-ws.txt'
}
check workspace-write-allowed t_workspace_write

t_touch_etc_blocked() {
  rm -f /etc/suite-x
  run_started 30 'touch /etc/suite-x' || return 1
  if [ -e /etc/suite-x ]; then rm -f /etc/suite-x; why "/etc/suite-x was created (exit $RC)"; return 1; fi
  [ "$RC" != 0 ] || why "exit 0 although nothing was created"
}
check touch-etc-blocked t_touch_etc_blocked

t_curl_blocked_name() {
  local before after
  before=$(forbidden_hits)
  # -f: the proxy's refusal is an HTTP 403, which plain curl reports with exit 0.
  run_started 30 "curl -sf -m 5 http://$METADATA_NAME/latest/meta-data/" || return 1
  after=$(forbidden_hits)
  [[ $OUT != *"$FORBIDDEN_MARKER"* ]] || { why "the metadata stand-in answered: ${OUT:0:100}"; return 1; }
  [ "$after" = "$before" ] || { why "the request reached the forbidden stand-in"; return 1; }
  [ "$RC" != 0 ] || why "curl exited 0"
}
check curl-blocked-name t_curl_blocked_name
