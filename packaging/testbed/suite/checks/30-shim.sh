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
