#!/usr/bin/env bash
# Measures the shim's overhead with hyperfine: bash.real -c true vs. the shim (test build)
# asking a minimal native stand-in daemon (test/bench_daemon.c) and exec'ing bash.real.
set -eu
cd "$(dirname "$0")/.."
T=$(mktemp -d /tmp/shimbench.XXXXXX)
D=
trap '[ -n "$D" ] && kill $D; rm -rf "$T"' EXIT
mkdir -p "$T/bin" "$T/root/etc/agentsh"
cp target/test/agentsh-shell-shim-test "$T/bin/bash"
cp "$(type -P bash)" "$T/bin/bash.real"
echo force=true >"$T/root/etc/agentsh/shim.conf"
target/test/bench_daemon "$T/d.sock" &
D=$!
for _ in $(seq 50); do [ -S "$T/d.sock" ] && break; sleep 0.05; done
export AGENTSH_SHIM_CONF_ROOT=$T/root AGENTSH_SOCKET=$T/d.sock AGENTSH_SESSION_ID=bench
hyperfine -N -w 50 -r "${RUNS:-500}" "$T/bin/bash.real -c true" "$T/bin/bash -c true" "$@"
