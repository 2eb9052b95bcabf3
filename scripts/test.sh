#!/usr/bin/env bash
# The README's test command (and CI's, through .ci/run). Runs as root, also with CI=true and no
# stdin:
#   1. Debian packages (scripts/deps.sh)
#   2. Maven build with the unit tests (Surefire summary)
#   3. the .deb (scripts/build.sh, lintian included)
#   4. the throwaway VM with the end-to-end security suite (packaging/testbed), twice: with the
#      exe.dev config (seccomp user notification, exec via the execve-only ptrace hybrid) and with
#      config-ptrace.yaml (security.mode: ptrace); the closing suite line sums both runs
#   5. the host-unchanged check over the whole run (unit tests included)
# Exits non-zero if anything failed. Logs: dist/test-logs/.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
t_start=$(date +%s)
mkdir -p dist/test-logs
LOGS=$REPO/dist/test-logs
source packaging/testbed/lib/hostcheck.sh
HOST_BEFORE=$(mktemp /tmp/agentsh-test-host.XXXXXX)
hostcheck_fingerprint >"$HOST_BEFORE"

status=0 unit_line="unit tests: not run" deb_line=".deb: not built" suite_line="suite: not run" pending_line="suite pending: -"
step() { printf '\n== test: %s (%ds)\n' "$*" $(( $(date +%s) - t_start )); }

step "dependencies"
bash scripts/deps.sh || { echo "test: scripts/deps.sh failed" >&2; exit 1; }
source scripts/jdk.sh

step "maven verify (unit tests)"
mvn -B -ntp verify 2>&1 | tee "$LOGS/maven.log"
mvn_rc=${PIPESTATUS[0]}
# One Surefire line for the whole reactor: the per-module "Tests run:" summary lines, summed.
unit_line=$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$LOGS/maven.log" |
  awk -F'[:,] *' '{r+=$2; f+=$4; e+=$6; s+=$8} END {printf "Tests run: %d, Failures: %d, Errors: %d, Skipped: %d", r, f, e, s}')
unit_line="unit tests: $unit_line$([ $mvn_rc = 0 ] || echo " (maven exit $mvn_rc)")"
[ $mvn_rc = 0 ] || status=1

if [ $mvn_rc = 0 ]; then
  step ".deb"
  if bash scripts/build.sh --no-maven 2>&1 | tee "$LOGS/build.log"; [ "${PIPESTATUS[0]}" = 0 ]; then
    deb=$(ls -t dist/agentsh_*_amd64.deb | head -1)
    deb_line=".deb: $deb ($(du -h "$deb" | cut -f1)), lintian: $(grep -cE '^[EW]:' packaging/target/deb/lintian.txt 2>/dev/null || true) errors/warnings"
    suite_pass=0 suite_fail=0 suite_runs="" pending_all=""
    for run in seccomp ptrace; do
      cfg=packaging/testbed/compat/exe.dev/config.yaml
      [ $run = ptrace ] && cfg=packaging/testbed/compat/exe.dev/config-ptrace.yaml
      step "testbed: end-to-end security suite ($run: $cfg)"
      packaging/testbed/vm.sh --deb "$deb" --config "$cfg" --out "$LOGS/testbed-$run" --timeout 1200 -- \
        '"$TESTBED_BASH" /opt/agentsh-testbed/suite/run.sh' 2>&1 | tee "$LOGS/suite-$run.log"
      vm_rc=${PIPESTATUS[0]}
      counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOGS/suite-$run.log" | tail -1)
      if [ -n "$counts" ]; then
        suite_pass=$((suite_pass + ${counts%% passed*}))
        f=${counts#*, }; suite_fail=$((suite_fail + ${f%% failed}))
        suite_runs="$suite_runs${suite_runs:+; }$run: $counts"
      else
        suite_runs="$suite_runs${suite_runs:+; }$run: did not finish (vm.sh exit $vm_rc)"
        suite_fail=$((suite_fail + 1))
      fi
      pending_all="$pending_all${pending_all:+; }$run: $(grep -E '^pending: ' "$LOGS/suite-$run.log" | tail -1 | cut -d' ' -f2)"
      [ $vm_rc = 0 ] || status=1
    done
    # Both runs' lines, then the combined one (the closing line CI reads).
    suite_line="suite runs: $suite_runs
suite: $suite_pass passed, $suite_fail failed"
    pending_line="suite pending (never counted as passed): $pending_all"
  else
    deb_line=".deb: build failed (see $LOGS/build.log)"
    status=1
  fi
fi

step "host-unchanged check"
HOST_AFTER=$(mktemp /tmp/agentsh-test-host.XXXXXX)
hostcheck_fingerprint >"$HOST_AFTER"
if hostcheck_compare "$HOST_BEFORE" "$HOST_AFTER"; then
  host_line="host-check: OK (/bin/bash, /bin/sh and /etc unchanged over the whole run; no agentsh on the host)"
  rm -f "$HOST_BEFORE" "$HOST_AFTER"
else
  host_line="host-check: FAILED (fingerprints kept: $HOST_BEFORE $HOST_AFTER)"
  status=1
fi

# The suite's "N passed, N failed" line comes last: CI reads a run's closing line.
printf '\n== summary (%ds)\n%s\n%s\n%s\n%s\n%s\n' $(( $(date +%s) - t_start )) "$unit_line" "$deb_line" "$host_line" \
  "$pending_line" "$suite_line"
exit $status
