# Kernel-level enforcement inside an allowed command (seccomp user-notify, Landlock): what a
# shell pre-check cannot see.
category "kernel enforcement"

t_nested_sudo_python() {
  run_started 30 'python3 -c "import subprocess,sys; r=subprocess.run([\"sudo\",\"-n\",\"id\"],capture_output=True); print(r.returncode); sys.stdout.write(r.stdout.decode())"' || return 1
  [[ $OUT != *uid=* ]] || { why "sudo ran from python: $OUT"; return 1; }
  [[ $OUT != 0* ]] || why "sudo exited 0 from python"
}
check nested-sudo-via-python t_nested_sudo_python

t_nested_sudo_xargs() {
  # From a script file: the shim's pre-check sees only `bash FILE`, so only the kernel can stop it.
  printf 'echo id | xargs sudo -n\n' >/tmp/suite-xargs.sh
  run_started 30 'bash /tmp/suite-xargs.sh' || return 1
  [[ $OUT != *uid=* ]] || { why "sudo ran through xargs: $OUT"; return 1; }
  [ "$RC" != 0 ] || why "xargs sudo exited 0"
}
check nested-sudo-via-xargs t_nested_sudo_xargs

t_file_eacces() {
  run_started 30 'python3 -c "open(\"/etc/suite-denied\",\"w\")"' || return 1
  [ ! -e /etc/suite-denied ] || { rm -f /etc/suite-denied; why "/etc/suite-denied was created"; return 1; }
  [[ $ERR == *"Permission denied"* || $ERR == *PermissionError* ]] || why "no EACCES: rc=$RC ${ERR:0:200}"
}
check file-write-eacces t_file_eacces

t_shadow_read_denied() {
  run_started 30 'cat /etc/shadow' || return 1
  [ "$RC" != 0 ] && [[ $OUT != *root:* ]] || why "/etc/shadow was readable"
}
check protected-read-denied t_shadow_read_denied

t_touch_etc_nested() {
  # `touch` started by a nested shell: only the kernel sees it; it must fail with EACCES.
  run_started 30 'bash -c "touch /etc/suite-touch-nested"' || return 1
  [ ! -e /etc/suite-touch-nested ] || { rm -f /etc/suite-touch-nested; why "/etc/suite-touch-nested was created"; return 1; }
  [[ $ERR == *"Permission denied"* ]] || why "no EACCES from touch: rc=$RC ${ERR:0:200}"
}
check touch-etc-nested-eacces t_touch_etc_nested

t_ssh_key_read_denied() {
  # A key the test writes itself (outside any session), then read from inside one.
  mkdir -p /root/.ssh && chmod 700 /root/.ssh
  printf 'SUITE-FAKE-PRIVATE-KEY-%s\n' "$RANDOM$RANDOM" >/root/.ssh/id_rsa && chmod 600 /root/.ssh/id_rsa
  run_started 30 'cat /root/.ssh/id_rsa; python3 -c "print(open(\"/root/.ssh/id_rsa\").read())"'
  local rc=$?
  rm -f /root/.ssh/id_rsa
  [ $rc = 0 ] || return 1
  [[ $OUT != *SUITE-FAKE-PRIVATE-KEY* ]] || { why "the key was read: ${OUT:0:80}"; return 1; }
  [[ $ERR == *"Permission denied"* ]] || why "no EACCES reading the key: ${ERR:0:200}"
}
check ssh-key-read-denied t_ssh_key_read_denied
