#!/usr/bin/env bash
# Integration test of agentsh-shell-shim without touching /bin: a temp dir holds the shim as
# `bash` (and `sh`) with a copy of the host's bash as `bash.real` beside it, shim.conf under a
# temp root, and a fake daemon (test/fake_daemon.py) on a temp unix socket.
set -u
cd "$(dirname "$0")/.."
HERE=$PWD
PY=$(type -P python3)
TESTSHIM=${SHIM_UNDER_TEST:-$HERE/target/test/agentsh-shell-shim-test}
PRODSHIM=$HERE/target/bin/agentsh-shell-shim
T=$(mktemp -d /tmp/shimtest.XXXXXX)
DPID=
cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fails=0
pass() { echo "PASS shim: $1"; }
fail() { echo "FAIL shim: $1: $2"; fails=$((fails + 1)); }
check() { # name condition-status detail
	if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "$3"; fi
}

mkdir -p "$T/bin" "$T/prod" "$T/root/etc/agentsh" "$T/state"
cp "$TESTSHIM" "$T/bin/bash"
cp "$TESTSHIM" "$T/bin/sh"
cp "$(type -P bash)" "$T/bin/bash.real"
cp "$(type -P bash)" "$T/bin/sh.real"
cp "$PRODSHIM" "$T/prod/bash"
cp "$(type -P bash)" "$T/prod/bash.real"
SOCK=$T/d.sock
CONF=$T/root/etc/agentsh/shim.conf
export AGENTSH_SHIM_CONF_ROOT=$T/root AGENTSH_SOCKET=$SOCK AGENTSH_SESSION_ID=test-session
unset AGENTSH_SERVER AGENTSH_SHIM_FORCE AGENTSH_IN_SESSION AGENTSH_SHIM_DEBUG AGENTSH_SESSION_FILE

start_daemon() { # [--user NAME]
	stop_daemon
	rm -f "$SOCK"
	"$PY" test/fake_daemon.py "$SOCK" "$T/state" "$@" &
	DPID=$!
	for _ in $(seq 100); do [ -S "$SOCK" ] && return 0; sleep 0.05; done
	echo "fake daemon did not start" >&2
}
stop_daemon() {
	if [ -n "$DPID" ]; then kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=; fi
}
mode() { echo "$1" >"$T/state/mode"; }
conf() { printf '%s\n' "$@" >"$CONF"; }
req() { "$PY" -c "import json,sys; r=json.load(open('$T/state/last_request.json')); print(eval(sys.argv[1]))" "$1"; }

conf "# test" "force=true"
start_daemon
mode exec

# ---- allowed command: runs with its own exit status, the request carries what §2 says
rm -f "$T/state/last_request.json"
out=$(MARKER=m1 "$T/bin/bash" -c 'echo hi; exit 3' </dev/null 2>"$T/err"); rc=$?
check "allowed command runs" $([ "$out" = hi ] && [ $rc -eq 3 ]; echo $?) "out=$out rc=$rc err=$(cat "$T/err")"
check "request line" $(grep -q '^POST /api/v1/shim/exec HTTP/1.1$' "$T/state/request_line"; echo $?) "$(cat "$T/state/request_line")"
r=$(req "(r['session_id'], r['argv0'], r['shell'], r['real_shell'], r['args'], r['in_session_hint'], r['tty']['stdin'], 'MARKER=m1' in r['env'], r['cwd'])")
want="('test-session', '$T/bin/bash', 'bash', '$T/bin/bash.real', ['-c', 'echo hi; exit 3'], False, False, True, '$PWD')"
check "request fields" $([ "$r" = "$want" ]; echo $?) "got $r"

# ---- same process: the command runs in place (same pid as the shell the caller started)
"$T/bin/bash" -c 'echo $$ >"$1"' x "$T/pid" </dev/null &
p=$!; wait $p
check "exec in place keeps the pid" $([ "$(cat "$T/pid")" = "$p" ]; echo $?) "pid $(cat "$T/pid") vs $p"

# ---- exit by signal is the command's own
rc=$({ "$T/bin/bash" -c 'kill -TERM $$' </dev/null; echo $?; } 2>/dev/null)
check "signal exit status" $([ $rc -eq 143 ]; echo $?) "rc=$rc"

# ---- the env and cwd the daemon chose are applied exactly
mode exec_env
out=$(MARKER=m2 "$T/bin/bash" -c 'echo "$FOO|${MARKER-none}|$PWD"' </dev/null); rc=$?
check "daemon env and cwd applied" $([ "$out" = "bar|none|$T/state" ]; echo $?) "out=$out"
mode exec

# ---- denial: message, 126, command not run
mode deny
rm -f "$T/side"
"$T/bin/bash" -c "touch $T/side" </dev/null 2>"$T/err"; rc=$?
check "denied: exit 126" $([ $rc -eq 126 ]; echo $?) "rc=$rc"
check "denied: message" $(grep -qx 'agentsh: command denied by policy (rule=block-test)' "$T/err"; echo $?) "$(cat "$T/err")"
check "denied: command did not run" $([ ! -e "$T/side" ]; echo $?) "side effect exists"

# ---- no bypass by command name or by AGENTSH_IN_SESSION
"$T/bin/bash" -c "agentsh shim uninstall-shell; touch $T/side" </dev/null 2>/dev/null; rc=$?
check "no bypass for 'agentsh ...' commands" $([ $rc -eq 126 ] && [ ! -e "$T/side" ]; echo $?) "rc=$rc"
AGENTSH_IN_SESSION=1 "$T/bin/bash" -c "touch $T/side" </dev/null 2>/dev/null; rc=$?
check "AGENTSH_IN_SESSION=1 is not trusted" $([ $rc -eq 126 ] && [ ! -e "$T/side" ]; echo $?) "rc=$rc"
mode exec
AGENTSH_IN_SESSION=1 "$T/bin/bash" -c true </dev/null
check "AGENTSH_IN_SESSION=1 is sent as a hint" $([ "$(req "r['in_session_hint']")" = True ]; echo $?) "$(req "r['in_session_hint']")"

# ---- malformed answers: 126 and the command did not run
for m in garbage badpath noargv nulargv status500 close halfbody; do
	mode $m
	rm -f "$T/side"
	"$T/bin/bash" -c "touch $T/side" </dev/null 2>"$T/err"; rc=$?
	check "answer '$m' refused" $([ $rc -eq 126 ] && [ ! -e "$T/side" ] && grep -q 'refusing to run the command unenforced' "$T/err"; echo $?) "rc=$rc err=$(cat "$T/err")"
done
mode hang
start=$(date +%s%N)
AGENTSH_SHIM_TIMEOUT_MS=700 "$T/bin/bash" -c "touch $T/side" </dev/null 2>"$T/err"; rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
check "no answer: times out and refuses" $([ $rc -eq 126 ] && [ ! -e "$T/side" ] && [ $ms -lt 5000 ]; echo $?) "rc=$rc after ${ms}ms: $(cat "$T/err")"
mode chunked
out=$("$T/bin/bash" -c 'echo chunked-ok' </dev/null); rc=$?
check "chunked answer accepted" $([ "$out" = chunked-ok ] && [ $rc -eq 0 ]; echo $?) "out=$out rc=$rc"
mode exec

# ---- daemon down: 126 with the message and a Hint, command not run
stop_daemon
rm -f "$T/side"
"$T/bin/bash" -c "touch $T/side" </dev/null 2>"$T/err"; rc=$?
check "daemon down: refused" $([ $rc -eq 126 ] && [ ! -e "$T/side" ]; echo $?) "rc=$rc"
check "daemon down: message" $(grep -q "^agentsh-shell-shim: agentsh server unreachable at $SOCK: .*; refusing to run the command unenforced$" "$T/err" && grep -q '^Hint: ' "$T/err"; echo $?) "$(cat "$T/err")"
rm -f "$SOCK"; "$PY" -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$SOCK" # stale socket file, nobody listening
"$T/bin/bash" -c "touch $T/side" </dev/null 2>/dev/null; rc=$?
check "stale socket: refused" $([ $rc -eq 126 ] && [ ! -e "$T/side" ]; echo $?) "rc=$rc"

# ---- ready_gate=true: a daemon that is still starting is waited for (never fail open)
conf "force=true" "ready_gate=true"
rm -f "$SOCK"
( sleep 1; exec "$PY" test/fake_daemon.py "$SOCK" "$T/state" ) &
late=$!
mode exec
out=$("$T/bin/bash" -c 'echo waited' </dev/null 2>&1); rc=$?
kill $late 2>/dev/null; wait $late 2>/dev/null
check "ready_gate waits for a starting daemon" $([ "$out" = waited ] && [ $rc -eq 0 ]; echo $?) "rc=$rc out=$out"
rm -f "$SOCK"
start=$(date +%s%N)
"$T/bin/bash" -c "touch $T/side" </dev/null 2>/dev/null; rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
check "ready_gate still refuses when no daemon comes" $([ $rc -eq 126 ] && [ ! -e "$T/side" ] && [ $ms -ge 4500 ]; echo $?) "rc=$rc after ${ms}ms"
conf "force=true"

# ---- non-TTY without force: the documented bypass runs the real shell directly
conf "force=false"
out=$("$T/bin/bash" -c "touch $T/side; echo direct" </dev/null); rc=$?
check "non-TTY, force off: runs directly" $([ "$out" = direct ] && [ -e "$T/side" ] && [ $rc -eq 0 ]; echo $?) "out=$out rc=$rc"
rm -f "$T/side"
AGENTSH_SHIM_FORCE=1 "$T/bin/bash" -c "touch $T/side" </dev/null 2>/dev/null; rc=$?
check "AGENTSH_SHIM_FORCE=1 adds enforcement" $([ $rc -eq 126 ] && [ ! -e "$T/side" ]; echo $?) "rc=$rc"
rm -f "$CONF"
out=$("$T/bin/bash" -c 'echo noconf' </dev/null); rc=$?
check "missing shim.conf: defaults" $([ "$out" = noconf ]; echo $?) "out=$out rc=$rc"
mkdir "$CONF"
"$T/bin/bash" -c "touch $T/side" </dev/null 2>/dev/null; rc=$?
check "unreadable shim.conf fails closed (force=true)" $([ $rc -eq 126 ] && [ ! -e "$T/side" ]; echo $?) "rc=$rc"
rmdir "$CONF"
conf "force=tru"
"$T/bin/bash" -c true </dev/null 2>"$T/err"; rc=$?
check "invalid shim.conf value: 127 + hint" $([ $rc -eq 127 ] && grep -qx 'agentsh-shell-shim: shim.conf: invalid force value "tru" (expected true, 1, false, or 0)' "$T/err" && grep -qx 'Hint: Fix the value in /etc/agentsh/shim.conf or remove the invalid line.' "$T/err"; echo $?) "rc=$rc $(cat "$T/err")"
conf "shim_install=sometimes"
"$T/bin/bash" -c true </dev/null 2>"$T/err"; rc=$?
check "invalid shim_install: 127" $([ $rc -eq 127 ] && grep -q 'invalid shim_install value "sometimes"' "$T/err"; echo $?) "rc=$rc"

# ---- byte-exact data path: 10 MB of random bytes through bash -c cat, force on
conf "force=true" "ready_gate=false" "shim_install=auto"
start_daemon
mode exec
head -c 10485760 /dev/urandom >"$T/rand"
"$T/bin/bash" -c cat <"$T/rand" >"$T/rand.out"; rc=$?
check "10 MB through bash -c cat is byte-identical" $(cmp -s "$T/rand" "$T/rand.out" && [ $rc -eq 0 ]; echo $?) "rc=$rc"
cat "$T/rand" | "$T/bin/bash" -c 'cat; echo; echo tail' | tail -n 1 >"$T/o"
check "piped stdin reaches the command" $([ "$(cat "$T/o")" = tail ]; echo $?) "$(cat "$T/o")"

# ---- arguments that are not UTF-8 arrive byte-exact (surrogateescape through JSON)
out=$("$T/bin/bash" -c 'printf %s "$1" | od -An -tx1 | tr -d " "' x $'\xff\xfe\x80a\xc3\xa9' </dev/null)
check "non-UTF-8 argument round trip" $([ "$out" = fffe8061c3a9 ]; echo $?) "out=$out"

# ---- stdin mode: no args + piped stdin becomes -c "<trimmed stdin>"
out=$(printf '  echo from-stdin; exit 5\n\n' | "$T/bin/bash"); rc=$?
check "stdin mode runs the script" $([ "$out" = from-stdin ] && [ $rc -eq 5 ]; echo $?) "out=$out rc=$rc"
check "stdin mode request" $([ "$(req "r['args']")" = "['-c', 'echo from-stdin; exit 5']" ]; echo $?) "$(req "r['args']")"

# ---- names: sh, login shells
out=$("$T/bin/sh" -c 'echo sh-ok' </dev/null)
check "sh name" $([ "$out" = sh-ok ] && [ "$(req "(r['shell'], r['real_shell'])")" = "('sh', '$T/bin/sh.real')" ]; echo $?) "$(req "(r['shell'], r['real_shell'])")"
out=$(cd "$T/bin" && exec -a -bash ./bash -c 'echo $0' </dev/null)
check "login shell argv0" $([ "$out" = bash ] && [ "$(req "(r['argv0'], r['shell'])")" = "('-bash', 'bash')" ]; echo $?) "out=$out $(req "(r['argv0'], r['shell'])")"

# ---- a terminal: the command gets the caller's tty
out=$(script -qec "$T/bin/bash -c 'test -t 0 && test -t 1 && echo TTY-OK'" /dev/null </dev/null | tr -d '\r')
check "PTY is the command's own" $([ "$out" = TTY-OK ] && [ "$(req "(r['tty']['stdin'], r['tty']['stdout'])")" = "(True, True)" ]; echo $?) "out=$out"

out=$(printf 'echo inner-$((1+2)); exit 7\n' | script -qec "$T/bin/bash --norc --noprofile" /dev/null | tr -d '\r'); rc=$?
check "interactive shell on a terminal" $([[ $out == *inner-3* ]] && [ "$(req "(r['args'], r['tty']['stdin'])")" = "(['--norc', '--noprofile'], True)" ]; echo $?) "rc=$rc out=$out $(req "(r['args'], r['tty']['stdin'])")"

# ---- session id resolution
unset AGENTSH_SESSION_ID
AGENTSH_WORKSPACE=/some/ws "$T/bin/bash" -c true </dev/null
sid=$(req "r['session_id']")
h=$(printf %s /some/ws | sha256sum | cut -c1-16)
f=$T/root/run/agentsh/sessions/workspace-$h.sid
check "workspace session file" $([ -f "$f" ] && [ "$(cat "$f")" = "$sid" ] && [[ $sid =~ ^session-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]; echo $?) "sid=$sid file=$(cat "$f" 2>&1)"
AGENTSH_WORKSPACE=/some/ws "$T/bin/bash" -c true </dev/null
check "workspace session id is stable" $([ "$(req "r['session_id']")" = "$sid" ]; echo $?) "$(req "r['session_id']")"
echo "session-from-file" >"$T/sid"
AGENTSH_SESSION_FILE=$T/sid "$T/bin/bash" -c true </dev/null
check "AGENTSH_SESSION_FILE" $([ "$(req "r['session_id']")" = session-from-file ]; echo $?) "$(req "r['session_id']")"
export AGENTSH_SESSION_ID=test-session

# ---- debug trace
AGENTSH_SHIM_DEBUG=1 "$T/bin/bash" -c true </dev/null 2>"$T/err"
check "AGENTSH_SHIM_DEBUG traces" $(grep -q "^agentsh-shell-shim: real shell: $T/bin/bash.real" "$T/err" && grep -q '^agentsh-shell-shim: answer: HTTP 200 action=exec' "$T/err"; echo $?) "$(cat "$T/err")"

# ---- the production build ignores the test overrides and distrusts foreign sockets
file "$PRODSHIM" | grep -q 'statically linked'
check "production shim is statically linked" $? "$(file "$PRODSHIM")"
AGENTSH_SHIM_FORCE=1 "$T/prod/bash" -c "touch $T/side" </dev/null 2>"$T/err"; rc=$?
check "production ignores AGENTSH_SOCKET" $([ $rc -eq 126 ] && [ ! -e "$T/side" ] && grep -q "unreachable at /run/agentsh/agentsh.sock" "$T/err"; echo $?) "rc=$rc $(cat "$T/err")"
if [ "$(id -u)" -eq 0 ]; then
	out=$(AGENTSH_SHIM_FORCE=1 AGENTSH_SERVER=unix://$SOCK "$T/prod/bash" -c 'echo prod-ok' </dev/null 2>&1)
	check "production: AGENTSH_SERVER socket owned by root accepted" $([ "$out" = prod-ok ]; echo $?) "$out"
	chmod 755 "$T"
	start_daemon --user nobody
	mode exec
	AGENTSH_SHIM_FORCE=1 AGENTSH_SERVER=unix://$SOCK "$T/prod/bash" -c "touch $T/side" </dev/null 2>"$T/err"; rc=$?
	check "production: AGENTSH_SERVER socket of another user refused" $([ $rc -eq 126 ] && [ ! -e "$T/side" ] && grep -q 'not owned by root' "$T/err"; echo $?) "rc=$rc $(cat "$T/err")"
fi
exit $((fails > 0))
