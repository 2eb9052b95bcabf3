#!/usr/bin/env bash
# FUSE view vs native: 1,000 small files and a 1 GiB sequential read (needs root and /dev/fuse).
#   scripts/bench-fuse.sh [runs] [all|files|read]   (builds core's test classes first)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=/dev/null
source "$root/scripts/jdk.sh"
cd "$root"
mvn -B -q -o -pl core -am -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
  -cp "core/target/test-classes:core/target/classes:policy/target/classes:$(cat core/target/bench.cp):$(cat policy/target/bench.cp)" \
  io.agentsh.core.fuse.bench.FuseBench "${@:-5}"
