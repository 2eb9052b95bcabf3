# Installation: the package is there and says what it is.
category installation

t_version() {
  run_cmd 30 agentsh --version
  [ "$RC" = 0 ] || { why "exit $RC: ${ERR:0:200}"; return 1; }
  [[ $OUT =~ ^agentsh\ [0-9]+\.[0-9]+\.[0-9]+ ]] || why "printed '${OUT:0:80}', expected 'agentsh X.Y.Z'"
}
check version t_version

t_package_installed() {
  dpkg-query -W -f='${Status}' agentsh 2>/dev/null | grep -q 'install ok installed' || { why "dpkg does not list agentsh as installed"; return 1; }
  local f
  for f in /usr/bin/agentsh /usr/bin/agentsh-shell-shim /usr/lib/agentsh/bash_startup.sh /usr/lib/agentsh/jvm.options /usr/lib/agentsh/runtime/lib/server/libjvm.so; do
    [ -e "$f" ] || { why "$f missing"; return 1; }
  done
}
check package-files t_package_installed

t_exec_wrapper() {
  [ -x /usr/lib/agentsh/agentsh-exec-wrapper ] || { why "/usr/lib/agentsh/agentsh-exec-wrapper missing"; return 1; }
  file -b /usr/lib/agentsh/agentsh-exec-wrapper | grep -q ELF || why "the exec wrapper is not an ELF program"
}
check exec-wrapper-installed t_exec_wrapper

t_detect_seccomp() {
  run_cmd 60 agentsh detect
  [ "$RC" = 0 ] || { why "exit $RC: ${ERR:0:200}"; return 1; }
  grep -qi seccomp <<<"$OUT" || why "detect output does not mention seccomp"
}
check detect-mentions-seccomp t_detect_seccomp
