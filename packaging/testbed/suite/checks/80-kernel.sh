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
