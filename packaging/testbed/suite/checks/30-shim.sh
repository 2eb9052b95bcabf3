# The shell shim is installed over /bin/sh and /bin/bash and runs ordinary commands.
category "shell shim"

t_bash_is_static_shim() {
  local f
  f=$(file -bL /bin/bash)
  [[ $f == *"statically linked"* || $f == *"static-pie linked"* ]] || { why "/bin/bash: $f"; return 1; }
  cmp -s /bin/bash /usr/bin/agentsh-shell-shim || why "/bin/bash differs from /usr/bin/agentsh-shell-shim"
}
check bash-is-static-shim t_bash_is_static_shim

t_bash_real_elf() {
  [ -e /bin/bash.real ] || { why "/bin/bash.real missing"; return 1; }
  file -bL /bin/bash.real | grep -q ELF || { why "/bin/bash.real is not ELF"; return 1; }
  /bin/bash.real -c 'echo "$BASH_VERSION"' | grep -q '^[0-9]' || why "/bin/bash.real does not run as bash"
}
check bash-real-is-elf t_bash_real_elf

t_sh_shimmed() {
  cmp -s /bin/sh /usr/bin/agentsh-shell-shim || { why "/bin/sh is not the shim"; return 1; }
  [ -e /bin/sh.real ] && file -bL /bin/sh.real | grep -q ELF || why "/bin/sh.real missing or not ELF"
}
check sh-is-shim t_sh_shimmed

t_shim_status() {
  run_cmd 30 agentsh shim status --bash --shim /usr/bin/agentsh-shell-shim
  [ "$RC" = 0 ] || { why "exit $RC: ${ERR:0:200}"; return 1; }
  grep -q '^sh: state=installed' <<<"$OUT" && grep -q '^bash: state=installed' <<<"$OUT" || why "status: ${OUT//$'\n'/ | }"
}
check shim-status-installed t_shim_status

t_echo_through_shim() { expect_ok "hello from the shim" bash -c 'echo hello from the shim'; }
check echo-through-shim t_echo_through_shim

t_sh_through_shim() { expect_ok "sh ok" sh -c 'echo sh ok'; }
check sh-through-shim t_sh_through_shim

t_python_through_shim() { expect_ok 42 bash -c 'python3 -c "print(6*7)"'; }
check python3-through-shim t_python_through_shim

t_exit_status() {
  run_cmd 30 bash -c 'exit 7'
  [ "$RC" = 7 ] || why "bash -c 'exit 7' exited $RC"
}
check exit-status-propagates t_exit_status

# CONTRACT §2 "No bypass by name or by variable": inside a governed session the agentsh CLI may
# not take the shim off, even with AGENTSH_IN_SESSION set by the caller; the shim stays.
t_uninstall_refused_in_session() {
  run_cmd 90 bash -c 'AGENTSH_IN_SESSION=1 agentsh shim uninstall-shell --bash --i-understand-this-modifies-the-host'
  [ "$RC" = 126 ] || { why "exit $RC, expected 126; stderr: ${ERR:0:200}"; return 1; }
  [[ $ERR == *"shim uninstall-shell needs the operator credential inside a governed session"* ]] \
    || { why "refusal line missing; stderr: ${ERR:0:200}"; return 1; }
  cmp -s /bin/bash /usr/bin/agentsh-shell-shim && cmp -s /bin/sh /usr/bin/agentsh-shell-shim \
    || why "the shim is no longer installed"
}
check shim-uninstall-refused-in-session t_uninstall_refused_in_session

# The operator token is denied to governed processes whatever the policy says (protect-agentsh-secrets).
t_operator_token_unreadable() {
  local tok
  tok=$(ls /var/lib/agentsh/operator.token 2>/dev/null)
  [ -n "$tok" ] || { why "no /var/lib/agentsh/operator.token on the VM"; return 1; }
  run_started 30 "cat $tok"
  [ "$RC" != 0 ] && [[ $OUT != *[0-9a-f][0-9a-f][0-9a-f][0-9a-f]* ]] || why "token readable inside the session (exit $RC)"
}
check operator-token-unreadable t_operator_token_unreadable
