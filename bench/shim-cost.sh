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
source bench/lib.sh
args=() rounds=300 variants="default="
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) args+=(--deb "$2"); shift 2 ;;
    --config) args+=(--config "$2"); shift 2 ;;
    --seccomp-only)
      seccomp_only_config dist/bench/config-seccomp.yaml
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
