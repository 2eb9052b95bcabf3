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

# Reads decided in the kernel (issue 8 bench target; docs/race-freedom.md "Reads decided in the
# kernel"): a session whose policy's read rules are all literal paths or DIR/** gets its own mount
# namespace with the denied paths masked and read-only opens that never reach the supervisor.
# The exe.dev policy above is not such a policy (**/.env), so this check brings its own.
masked_reads_session() {
  cat >/etc/agentsh/policies/suite-masked-reads.yaml <<'POLICY'
version: 1
name: suite-masked-reads
command_rules:
  - name: allow-all
    commands: ["*"]
    decision: allow
file_rules:
  - name: deny-ssh-keys
    paths: ["/root/.ssh/**"]
    operations: ["*"]
    decision: deny
  - name: deny-proc-sys
    paths: ["/proc/**", "/sys/**"]
    operations: ["*"]
    decision: deny
  - name: allow-tmp
    paths: ["/tmp/**"]
    operations: ["*"]
    decision: allow
  - name: allow-system-read
    paths: ["/usr/**", "/lib/**", "/lib64/**", "/bin/**", "/sbin/**"]
    operations: [read, open, stat, list, readlink]
    decision: allow
  - name: default-deny-files
    paths: ["**"]
    operations: ["*"]
    decision: deny
POLICY
  api POST /api/v1/sessions '{"workspace":"/root","policy":"suite-masked-reads"}'
  case "$HTTP" in 200|201) json "d['id']" ;; *) why "session with suite-masked-reads: HTTP $HTTP ${BODY:0:200}"; return 1 ;; esac
}

# api_exec SID CMD ARGS...: runs CMD through the exec API; RC, OUT, ERR from the result.
api_exec() {
  local sid=$1; shift
  local args; args=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps({"command":sys.argv[1],"args":sys.argv[2:]}))' "$@")
  api POST "/api/v1/sessions/$sid/exec" "$args"
  RC=$(json "d['result']['exit_code']"); OUT=$(json "d['result']['stdout']"); ERR=$(json "d['result']['stderr']")
}

kernel_notifications() {
  curl -sS -m 10 "$API/metrics" | sed -n 's/^agentsh_seccomp_notifications_total{reads="kernel"} //p'
}

t_masked_read_denied() {
  local sid; sid=$(masked_reads_session) || return 1
  mkdir -p /root/.ssh && chmod 700 /root/.ssh
  printf 'SUITE-MASKED-KEY-%s\n' "$RANDOM$RANDOM" >/root/.ssh/id_rsa && chmod 600 /root/.ssh/id_rsa
  api_exec "$sid" cat /root/.ssh/id_rsa
  local rc=$RC out=$OUT err=$ERR
  api_exec "$sid" ls -a /root/.ssh
  local listing=$OUT
  rm -f /root/.ssh/id_rsa
  [[ $out != *SUITE-MASKED-KEY* ]] || { why "the key was read through the mask: ${out:0:80}"; return 1; }
  [ "$rc" != 0 ] && [[ $err == *"Permission denied"* ]] || { why "no EACCES for the masked key: rc=$rc ${err:0:200}"; return 1; }
  [[ $listing != *id_rsa* ]] || { why "the masked directory lists its entries: $listing"; return 1; }
  grep -q "reads decided in the kernel" "${TESTBED_OUT:-$TB/out}/server.log" 2>/dev/null \
    || why "the daemon did not decide this session's reads in the kernel (server.log: $(grep -o 'reads trapped[^)]*)' "${TESTBED_OUT:-$TB/out}/server.log" | tail -1))"
}
check masked-read-denied t_masked_read_denied

t_unmasked_read_no_notification() {
  local sid; sid=$(masked_reads_session) || return 1
  api_exec "$sid" true
  local before after i
  for i in $(seq 50); do before=$(kernel_notifications); [ "${before:-0}" -gt 0 ] && break; sleep 0.1; done
  [ "${before:-0}" -gt 0 ] || { why "no command ran with reads in the kernel (metric ${before:-missing})"; return 1; }
  api_exec "$sid" cat /etc/hostname
  [ "$RC" = 0 ] && [ -n "$OUT" ] || { why "reading /etc/hostname failed: rc=$RC ${ERR:0:200}"; return 1; }
  for i in $(seq 50); do after=$(kernel_notifications); [ "$after" != "$before" ] && break; sleep 0.1; done
  # cat's own execve is one notification; the loader's and cat's read-only opens (about ten) are
  # answered by the kernel. Trapped, each would add one.
  [ $((after - before)) -le 2 ] || why "an allowed read cost $((after - before)) notifications"
}
check unmasked-read-no-notification t_unmasked_read_no_notification

# The read masks are looked at again only when something changed (inotify on the masked paths'
# directories, the namespace's mount table): a masked directory the host moves away and makes
# anew (the mask moves with the old one) must be masked before the next command all the same.
t_masked_dir_replaced() {
  local sid; sid=$(masked_reads_session) || return 1
  rm -rf /root/.ssh.suite-old
  mkdir -p /root/.ssh && chmod 700 /root/.ssh
  printf 'SUITE-OLD-KEY\n' >/root/.ssh/id_rsa && chmod 600 /root/.ssh/id_rsa
  api_exec "$sid" cat /root/.ssh/id_rsa
  local rc1=$RC out1=$OUT
  mv /root/.ssh /root/.ssh.suite-old && mkdir -m 700 /root/.ssh
  printf 'SUITE-NEW-KEY-%s\n' "$RANDOM$RANDOM" >/root/.ssh/id_rsa && chmod 600 /root/.ssh/id_rsa
  api_exec "$sid" cat /root/.ssh/id_rsa
  local rc2=$RC out2=$OUT err2=$ERR
  rm -rf /root/.ssh && mv /root/.ssh.suite-old /root/.ssh && rm -f /root/.ssh/id_rsa
  [ "$rc1" != 0 ] && [[ $out1 != *SUITE-OLD-KEY* ]] || { why "the key was readable before the move: rc=$rc1"; return 1; }
  [[ $out2 != *SUITE-NEW-KEY* ]] || { why "the directory the host made anew was not masked: ${out2:0:80}"; return 1; }
  [ "$rc2" != 0 ] || why "reading the new key succeeded: ${err2:0:200}"
}
check masked-dir-replaced-masked-again t_masked_dir_replaced
