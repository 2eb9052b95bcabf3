# Inside the testbed VM (started by bench/fileops-floor.sh): the workload's fileops phase, governed
# and ungoverned in alternating pairs, first with the daemon as shipped, then with the same build
# answering CONTINUE to every trapped call (-Dagentsh.bench.continue_all=true, which only exists
# in the patched build: bench/experiments/continue-all.patch). Prints medians and pair ratios.
# Argument: pairs per mode (default 10).
set -uo pipefail
pairs=${1:-10}
OUT_DIR=${TESTBED_OUT:-/tmp}
W=/tmp/agentsh-bench; rm -rf "$W"; mkdir -p "$W"
source /opt/agentsh-testbed/lib/daemon.sh
restart_daemon() {
  stop_daemon
  start_daemon "$1"
  # Warm-up as in bench/workload.sh's steady runs: commands, then file loops (JIT, page cache).
  for i in $(seq 300); do bash -c "echo warm $i" </dev/null >/dev/null 2>&1; done
  for _ in 1 2 3 4; do
    bash -c 'cd /tmp/agentsh-bench && mkdir -p warm && cd warm && for i in $(seq 150); do echo "data $i" > f$i && cat f$i >../warm-sink && stat -c %s f$i >../warm-sink && rm f$i; done' </dev/null >/dev/null 2>&1
  done
}
# The fileops phase of bench/workload-inner.sh, through the shim (governed) or bash.real.
LOOP='cd /tmp/agentsh-bench && mkdir -p fo && cd fo && for i in $(seq 250); do echo "data $i" > f$i && cat f$i >../sink && stat -c %s f$i >../sink && rm f$i || exit 1; done'
ms() { local t0; t0=$(date +%s%N); "$@" </dev/null || echo "FAILED: $*" >&2; echo $(( ($(date +%s%N) - t0) / 1000000 )); }
for mode in shipped continue_all; do
  opts=""; [ $mode = shipped ] || opts="-Dagentsh.bench.continue_all=true"
  restart_daemon "$opts"
  # The switch exists only in the patched build: with it, a sudo the policy denies, exec'd from a
  # script (so only the supervisor sees it, not the shim's check), gets as far as sudo itself;
  # without it the execve is refused (126). A row must measure the mode it names.
  printf 'exec /usr/bin/sudo -n true\n' >"$W/exec-sudo.sh"
  bash -c "bash $W/exec-sudo.sh" </dev/null >/dev/null 2>&1; rc=$?
  if [ "$mode" = continue_all ] && [ $rc = 126 ]; then echo "fileops-floor: the daemon still enforces (not the patched build?)" >&2; exit 1; fi
  if [ "$mode" = shipped ] && [ $rc != 126 ]; then echo "fileops-floor: the shipped daemon let a denied exec through (rc $rc)" >&2; exit 1; fi
  g=""; u=""
  for _ in $(seq "$pairs"); do g="$g $(ms bash -c "$LOOP")"; u="$u $(ms /bin/bash.real -c "$LOOP")"; done
  python3 - "$mode" "$g" "$u" <<'PY'
import statistics as s, sys
mode, g, u = sys.argv[1], [int(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
print(f"{mode:13} governed median {s.median(g):6.0f} ms  ungoverned median {s.median(u):6.0f} ms  "
      f"ratio {s.median(g) / s.median(u):.2f}  (pairs: {' '.join(f'{a / b:.2f}' for a, b in zip(g, u))})")
PY
done
