#!/usr/bin/env bash
# End-to-end check of the PRODUCTION shim installed as the real /bin/bash and /bin/sh, with
# the default paths (/etc/agentsh/shim.conf, /run/agentsh/agentsh.sock) and a stand-in daemon
# that denies any command with an argument containing FORBIDDEN. Runs ONLY inside the
# throwaway VM (packaging/testbed), never on a real machine:
#   packaging/testbed/vm.sh --no-install -q -- bash $PWD/shim-native/test/vm_e2e.sh
set -u
if ! tr '\0' ' ' </proc/1/cmdline | grep -q 'testbed/lib/init.sh' || [ ! -d /opt/agentsh-testbed ]; then
	echo "vm_e2e.sh: not inside the testbed VM; refusing to replace /bin/bash" >&2
	exit 2
fi
HERE=$(cd "$(dirname "$0")/.." && pwd)
SHIM=$HERE/target/bin/agentsh-shell-shim
REAL_BASH=$(readlink -f /bin/bash)
REAL_SH=$(readlink -f /bin/sh)
PY=$(type -P python3)
fails=0
pass() { echo "PASS vm: $1"; }
fail() { echo "FAIL vm: $1: $2"; fails=$((fails + 1)); }
check() { if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }

# install as `agentsh shim install-shell` does: real shells to *.real (a symlinked sh is
# copied), shim bytes over the names
cp "$REAL_BASH" /bin/bash.real.tmp && mv /bin/bash /bin/bash.orig && mv /bin/bash.real.tmp /bin/bash.real
cp "$REAL_SH" /bin/sh.real && mv /bin/sh /bin/sh.orig
cp "$SHIM" /bin/bash && cp "$SHIM" /bin/sh
restore() {
	mv -f /bin/bash.orig /bin/bash
	mv -f /bin/sh.orig /bin/sh
	rm -f /bin/bash.real /bin/sh.real
	[ -n "${D:-}" ] && kill "$D" 2>/dev/null
}
trap restore EXIT
mkdir -p /etc/agentsh /run/agentsh /tmp/fd-state
echo force=true >/etc/agentsh/shim.conf
echo policy >/tmp/fd-state/mode
/bin/bash.real -c "exec $PY $HERE/test/fake_daemon.py /run/agentsh/agentsh.sock /tmp/fd-state" &
D=$!
for _ in $(seq 100); do [ -S /run/agentsh/agentsh.sock ] && break; sleep 0.05; done
unset AGENTSH_SERVER AGENTSH_SOCKET AGENTSH_SESSION_ID
export AGENTSH_WORKSPACE=/root

out=$(bash -c 'echo hi; exit 4' </dev/null 2>&1); rc=$?
check "/bin/bash -c allowed" $([ "$out" = hi ] && [ $rc -eq 4 ]; echo $?) "rc=$rc out=$out"
out=$(sh -c 'echo sh-hi' </dev/null 2>&1)
check "/bin/sh -c allowed (real sh: $REAL_SH)" $([ "$out" = sh-hi ]; echo $?) "$out"
out=$(bash -c 'echo FORBIDDEN; touch /tmp/side' </dev/null 2>&1); rc=$?
check "/bin/bash -c denied" $([ $rc -eq 126 ] && [ ! -e /tmp/side ] && [ "$out" = $'agentsh: command denied by policy (rule=deny-forbidden)\nagentsh: hint: operation denied by policy; adjust policy or change command' ]; echo $?) "rc=$rc out=$out"
printf '#!/bin/bash\necho "script $1"\n' >/tmp/s.sh && chmod +x /tmp/s.sh
out=$(/tmp/s.sh arg </dev/null 2>&1)
check "#!/bin/bash script" $([ "$out" = "script arg" ]; echo $?) "$out"
out=$("$PY" -c 'import os; print(os.waitstatus_to_exitcode(os.system("echo FORBIDDEN >/tmp/side2")))' </dev/null 2>/dev/null)
check "system() through /bin/sh is governed" $([ "$out" = 126 ] && [ ! -e /tmp/side2 ]; echo $?) "out=$out"
out=$(env -i /bin/bash -c 'echo "env-i ${HOME-none}"' </dev/null 2>&1)
check "env -i bash" $([ "$out" = "env-i none" ]; echo $?) "$out"
a=$(head -c 10485760 /dev/urandom | tee /tmp/r | bash -c cat | sha256sum); b=$(sha256sum </tmp/r)
check "10 MB through bash -c cat" $([ "$a" = "$b" ]; echo $?) "$a vs $b"
out=$(script -qec "bash -c 'test -t 0 && echo TTY-OK'" /dev/null </dev/null | tr -d '\r')
check "PTY command" $([ "$out" = TTY-OK ]; echo $?) "$out"
out=$(bash -lc 'echo login' </dev/null 2>&1)
check "bash -lc" $([ "$out" = login ]; echo $?) "$out"
sid=$(cat /run/agentsh/sessions/workspace-*.sid 2>/dev/null | head -1)
check "workspace session file under /run/agentsh" $([[ $sid == session-* ]]; echo $?) "sid=$sid"

kill "$D"; wait "$D" 2>/dev/null; D=
out=$(bash -c 'touch /tmp/side3' </dev/null 2>&1); rc=$?
check "daemon down: refused" $([ $rc -eq 126 ] && [ ! -e /tmp/side3 ] && [[ $out == *"unreachable at /run/agentsh/agentsh.sock"* ]]; echo $?) "rc=$rc out=$out"
echo force=false >/etc/agentsh/shim.conf
out=$(bash -c 'echo bypass' </dev/null 2>&1)
check "daemon down, force off, non-TTY: documented bypass" $([ "$out" = bypass ]; echo $?) "$out"
out=$(script -qec "bash -c 'touch /tmp/side4'" /dev/null </dev/null | tr -d '\r'); 
check "daemon down, force off, TTY: refused" $([ ! -e /tmp/side4 ] && [[ $out == *unreachable* ]]; echo $?) "$out"
echo "vm e2e: $fails failed"
exit $((fails > 0))
