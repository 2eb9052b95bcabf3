#!/usr/bin/env bash
# The reference's published agentsh workload in the throwaway VM, ungoverned and governed:
#   bench/workload.sh [--json] [--deb FILE] [--config FILE | --seccomp-only] [--daemon-opts 'JVM OPTS'] [--warm-loops N] [--warm-commands N] [--warm-passes N] [--measure-passes N]
# --config: the server config in the VM (default: the testbed's exe.dev config, whose
# ptrace.trace.execve makes it the hybrid backend: execve by ptrace, the rest by seccomp; ptrace
# mode: packaging/testbed/compat/exe.dev/config-ptrace.yaml). --seccomp-only: the testbed's config
# with ptrace off and seccomp's execve on (every syscall by seccomp user notification).
# 120 flat execs, 1,000 file operations in one exec, a git clone+grep+commit of a local repo,
# 10 HTTP requests to a local server, 50 denied and 50 redirected commands, 20 four-level nested
# shells, 10 fan-outs of 10; plus the shim's own overhead (`bash -c true`, median of 200).
# Warm-up, unmeasured (defaults 50 / 2 / 0: a daemon just started, its JIT still compiling):
# --warm-commands N `bash -c` commands, --warm-loops N file loops in one command, --warm-passes N
# passes of the whole workload. `--warm-commands 1000 --warm-loops 4 --warm-passes 8` measures the
# steady state of a daemon that has served ~2,500 commands. --measure-passes N: every phase is
# measured N times and reports its median; ungoverned and governed passes alternate (the warmed
# daemon stays up, idle, while the original shells run), so a slow minute hits both sides.
# Policy: the reference's bench-realistic.yaml (bench/bench-realistic.yaml). Results also land in
# dist/bench/bench.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
args=() inner=()
while [ $# -gt 0 ]; do
  case "$1" in
    --json) inner+=(--json); shift ;;
    --daemon-opts) inner+=(--daemon-opts "$2"); shift 2 ;;
    --warm-loops) inner+=(--warm-loops "$2"); shift 2 ;;
    --warm-commands) inner+=(--warm-commands "$2"); shift 2 ;;
    --warm-passes) inner+=(--warm-passes "$2"); shift 2 ;;
    --measure-passes) inner+=(--measure-passes "$2"); shift 2 ;;
    --deb) args+=(--deb "$2"); shift 2 ;;
    --config) args+=(--config "$2"); shift 2 ;;
    --seccomp-only)
      seccomp_only_config dist/bench/config-seccomp.yaml
      args+=(--config dist/bench/config-seccomp.yaml); shift ;;
    *) echo "workload.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p dist/bench
exec packaging/testbed/vm.sh -q "${args[@]}" --policy bench/bench-realistic.yaml --out dist/bench \
  --script bench/workload-inner.sh -- "${inner[@]}"
