#!/usr/bin/env bash
# Kernel enforcement bench: a file-I/O-heavy command governed (exec wrapper + seccomp supervisor,
# compat/exe.dev/default.yaml) vs ungoverned, and the per-syscall cost of one notification round
# trip (kill(self,0) -> CONTINUE) and of an emulated open (openat2 + ADDFD).
# Usage: bash bench/kernel-fileio.sh      (runs as root; only child processes are filtered)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
make -s -C shim-native target/bin/agentsh-exec-wrapper
mvn -B -q -o -pl core -am -Dagentsh.bench=true -Dtest=KernelBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dsurefire.printSummary=false test 2>&1 | grep -o 'BENCH.*' || { echo "bench failed" >&2; exit 1; }
