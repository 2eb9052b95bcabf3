#!/usr/bin/env bash
# Issue 5's file-I/O phase governed end to end with FUSE on: the fileops loop in the workspace
# (/root) under the exe.dev policy and config (FUSE view, soft delete of every rm), governed
# against ungoverned in one throwaway VM. --seccomp-only: the config with ptrace off and
# seccomp's execve on (bench/lib.sh), the faster backend. Builds the .deb unless --deb is given.
#   bash bench/fileops-view.sh [--deb FILE] [--seccomp-only] [PAIRS]      (default 8)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source bench/lib.sh
deb="" config=packaging/testbed/compat/exe.dev/config.yaml
while [ $# -gt 0 ]; do
  case $1 in
    --deb) deb=$2; shift 2 ;;
    --seccomp-only) seccomp_only_config dist/bench/config-seccomp.yaml; config=dist/bench/config-seccomp.yaml; shift ;;
    *) break ;;
  esac
done
if [ -z "$deb" ]; then bash scripts/build.sh --skip-tests --no-lintian >/dev/null; deb=$(ls -t dist/agentsh_*_amd64.deb | head -1); fi
packaging/testbed/vm.sh -q --deb "$deb" --config "$config" --script bench/fileops-view-inner.sh -- "${1:-8}"
