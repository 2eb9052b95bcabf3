#!/usr/bin/env bash
# The README's test command: installs what it needs, builds, runs the unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
source scripts/jdk.sh
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
mvn -B -ntp verify
