#!/usr/bin/env bash
# Proves that bash_startup.sh (BASH_ENV) disables kill, ulimit, umask, builtin, command and
# enable in a way no trick inside the shell undoes. Runs with the host's bash; installs nothing.
# Each blocked name falls through to PATH, where a stand-in prints "EXTERNAL <name>".
set -u
cd "$(dirname "$0")/.."
STARTUP=$PWD/src/bash_startup.sh
BASH_BIN=$(type -P bash)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin"
for n in kill ulimit umask builtin command enable; do
	printf '#!%s\necho "EXTERNAL %s $*"\n' "$BASH_BIN" "$n" >"$T/bin/$n"
	chmod +x "$T/bin/$n"
done
fails=0
pass() { echo "PASS bash_startup: $1"; }
fail() { echo "FAIL bash_startup: $1: $2"; fails=$((fails + 1)); }

# run SCRIPT [extra env...]: a non-interactive bash with BASH_ENV, as the daemon starts it
run() {
	local script=$1
	shift
	env -i PATH="$T/bin" BASH_ENV="$STARTUP" "$@" "$BASH_BIN" -c "$script" 2>&1
}

expect() { # name script expected-substring [env...]
	local name=$1 script=$2 want=$3
	shift 3
	local out
	out=$(run "$script" "$@")
	if [[ $out == *"$want"* ]]; then pass "$name"; else fail "$name" "wanted '$want', got '$out'"; fi
}

# The check itself can fail: without the startup file kill is the builtin.
out=$(env -i PATH="$T/bin" "$BASH_BIN" -c 'type -t kill')
[[ $out == builtin ]] && pass "control: without BASH_ENV kill is a builtin" || fail "control" "$out"

expect "kill falls through to PATH" 'kill -0 $$' "EXTERNAL kill -0"
expect "type says file" 'for n in kill ulimit umask builtin command enable; do printf "%s " "$(type -t $n)"; done' "file file file file file file"
expect "\\kill" '\kill -0 $$' "EXTERNAL kill"
expect "builtin kill" 'builtin kill -0 $$' "EXTERNAL builtin kill"
expect "command kill" 'command kill -0 $$' "EXTERNAL command kill"
expect "enable kill; kill" 'enable kill; kill -0 $$' "EXTERNAL kill -0"
expect "enable -f loadable" 'enable -f /usr/lib/bash/sleep kill; type -t kill' "file"
expect "unset -f kill; kill" 'unset -f kill; kill -0 $$' "EXTERNAL kill -0"
expect "function kill then builtin" 'kill() { builtin kill "$@"; }; kill -0 $$' "EXTERNAL builtin kill"
expect "eval enable" 'eval "enable kill"; type -t kill' "file"
expect "set -o posix" 'set -o posix; kill -0 $$' "EXTERNAL kill"
expect "ulimit" 'ulimit -n 1' "EXTERNAL ulimit -n 1"
expect "umask" 'umask 000' "EXTERNAL umask 000"
expect "child bash sources it again" "exec -a bash $BASH_BIN -c 'type -t kill'" "file"
expect "exported enable function cannot defeat it" 'type -t kill' "file" 'BASH_FUNC_enable%%=() { :; }'
expect "exported unset function cannot defeat it" 'type -t kill' "file" 'BASH_FUNC_unset%%=() { :; }' 'BASH_FUNC_enable%%=() { :; }'
expect "exported kill function removed" 'kill -0 $$' "EXTERNAL kill" 'BASH_FUNC_kill%%=() { echo FUNCTION; }'
expect "POSIX mode restored" 'echo "[$SHELLOPTS]"' "interactive-comments]"
# (bash --posix, bash invoked as sh and interactive bash do not read BASH_ENV at all: that
# limit of BASH_ENV is why the kernel signal filter, not this file, is the real control.)
expect "no variables left behind" 'echo "[${__agentsh_was_posix-unset}][${POSIXLY_CORRECT-unset}]"' "[unset][unset]"
expect "ordinary commands still work" 'echo ok; x=$(printf "%s" sub); echo "$x"' $'ok\nsub'
exit $((fails > 0))
