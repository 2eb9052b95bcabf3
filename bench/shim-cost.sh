#!/usr/bin/env bash
# The fixed cost of one governed command on the shim path, in the throwaway VM: `bash -c true`
# through the shim and the daemon against `bash.real -c true`, interleaved, medians and load.
#   bench/shim-cost.sh [--deb FILE] [--config FILE | --seccomp-only] [--variants 'A=OPTS;B=OPTS'] [ROUNDS]
# --variants: the daemon restarted with each variant's JVM options (JAVA_TOOL_OPTIONS) in turn,
# A B A B, e.g. 'new=;old=-Dagentsh.cgroups.pool_depth=0 -Dagentsh.masks.always_refresh=true'.
# Policy: the reference's bench-realistic.yaml (reads decided in the kernel: read masks; the
# testbed config's sandbox.limits: a cgroup per command). --seccomp-only as in bench/workload.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
args=() rounds=300 variants="default="
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) args+=(--deb "$2"); shift 2 ;;
    --config) args+=(--config "$2"); shift 2 ;;
    --seccomp-only)
      mkdir -p dist/bench
      python3 - packaging/testbed/compat/exe.dev/config.yaml dist/bench/config-seccomp.yaml <<'PY'
import re, sys
t = open(sys.argv[1]).read()
t, a = re.subn(r'(\n  ptrace:\n    enabled:) true', r'\1 false', t)
t, b = re.subn(r'(\n    execve:\n      enabled:) false[^\n]*', r'\1 true', t)
if (a, b) != (1, 1): sys.exit("shim-cost.sh: the testbed config's ptrace/seccomp.execve keys moved")
open(sys.argv[2], "w").write(t)
PY
      args+=(--config dist/bench/config-seccomp.yaml); shift ;;
    --variants) variants=$2; shift 2 ;;
    [0-9]*) rounds=$1; shift ;;
    *) echo "shim-cost.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
out=${OUT:-dist/bench/shim-cost}
mkdir -p "$out"
exec packaging/testbed/vm.sh -q "${args[@]}" --policy bench/bench-realistic.yaml --out "$out" \
  --script bench/shim-cost-inner.sh -- "$rounds" "$variants"
