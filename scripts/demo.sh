#!/usr/bin/env bash
# The README's first command: builds the .deb if there is none, boots the throwaway VM (nothing on
# this machine changes), and plays a short agent session through the agentsh shim, showing what
# was allowed, what was blocked and why.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(ls -t dist/agentsh_*_amd64.deb 2>/dev/null | head -1 || true)
# Build when there is no .deb or a source is newer than it.
if [ -z "$deb" ] || [ -n "$(find pom.xml */pom.xml */src shim-native packaging/deb -newer "$deb" -type f -not -path '*/target/*' 2>/dev/null | head -1)" ]; then
  echo "demo: building the .deb (a few minutes the first time)"
  bash scripts/deps.sh
  mkdir -p dist
  bash scripts/build.sh --skip-tests --no-lintian >dist/build.log 2>&1 || {
    tail -20 dist/build.log >&2; echo "demo: the build failed (full log: dist/build.log)" >&2; exit 1; }
fi
exec packaging/testbed/vm.sh -q --script packaging/testbed/demo/session.sh
