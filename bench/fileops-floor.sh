#!/usr/bin/env bash
# The floor under the fileops target (issue 8: governed/ungoverned <= 1.10): the same phase with a
# supervisor that does no work at all. Builds HEAD with bench/experiments/continue-all.patch in a
# throwaway git worktree (the switch it adds answers CONTINUE to every trapped call, i.e. enforces
# nothing: it never ships), then in one testbed VM measures fileops governed vs ungoverned with the
# daemon as shipped and with the switch on. What is left with the switch on is the price of
# trapping at all (the notification round trips, Landlock, the command's cgroups and namespaces).
#   bash bench/fileops-floor.sh [PAIRS]     (default 10 pairs per mode; root; ~4 min)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
pairs=${1:-10}
wt=$(mktemp -d /tmp/agentsh-floor.XXXXXX)
cleanup() { git worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"; }
trap cleanup EXIT
git worktree add -q --detach "$wt" HEAD
git -C "$wt" apply "$PWD/bench/experiments/continue-all.patch"
(cd "$wt" && bash scripts/build.sh --skip-tests --no-lintian >/dev/null)
mkdir -p dist/bench
seccomp_only_config dist/bench/config-seccomp.yaml
packaging/testbed/vm.sh -q --deb "$(ls "$wt"/dist/agentsh_*_amd64.deb)" --config dist/bench/config-seccomp.yaml \
  --policy bench/bench-realistic.yaml --script bench/fileops-floor-inner.sh -- "$pairs"
