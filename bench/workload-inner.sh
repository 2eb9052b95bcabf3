# The reference's published agentsh workload, run inside the testbed VM (started by
# bench/workload.sh): once ungoverned (bash.real, the daemon stopped) and once governed (through
# the shim and the daemon). Prints per-phase milliseconds and the governed/ungoverned ratio;
# writes $TESTBED_OUT/bench.json. Arguments: --json to print only the JSON; --daemon-opts OPTS:
# JVM options for the governed daemon (A/B switches such as -Dagentsh.seccomp.sync_wakeups=false).
set -uo pipefail
json_only=0 daemon_opts="" warm_loops=2 warm_commands=50 warm_passes=0 measure_passes=1
while [ $# -gt 0 ]; do
  case "$1" in
    --json) json_only=1; shift ;;
    --daemon-opts) daemon_opts=$2; shift 2 ;;  # JVM options for the governed daemon (A/B switches)
    --warm-loops) warm_loops=$2; shift 2 ;;    # file loops in the warm-up (default 2)
    --warm-commands) warm_commands=$2; shift 2 ;;  # bash -c commands in the warm-up (default 50)
    --warm-passes) warm_passes=$2; shift 2 ;;  # unmeasured passes of every phase before the measured one (default 0)
    --measure-passes) measure_passes=$2; shift 2 ;;  # measured passes; each phase reports its median (default 1)
    *) echo "workload-inner: unknown option $1" >&2; exit 2 ;;
  esac
done
OUT_DIR=${TESTBED_OUT:-/tmp}
say() { [ $json_only = 1 ] || echo "$*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
source /opt/agentsh-testbed/lib/standins.env

# --- fixtures (made with the real shell, outside any measurement) -----------------------------
# Under /tmp: bench-realistic allows every operation there (/tmp/**), while /root (where the run
# used to be) is not writable under it, so governed fileops and git failed on their first write.
W=/tmp/agentsh-bench; rm -rf "$W"; mkdir -p "$W"
git config --global user.email bench@agentsh.test; git config --global user.name bench
git config --global init.defaultBranch main
git init -q "$W/src"
for i in $(seq 50); do printf 'line %s\nneedle %s\n' "$i" "$i" >"$W/src/file$i.txt"; done
git -C "$W/src" add -A && git -C "$W/src" commit -qm initial
git clone -q "$W/src" "$W/redirect-repo"


declare -A MS
# phase MODE NAME CMD...: runs CMD (a function) and records its wall time in milliseconds (one
# entry per measured pass, comma-separated; the report takes the median) and its unexpected
# results (the most of any pass).
phase() {
  local mode=$1 name=$2; shift 2
  local t0 t1 fails
  t0=$(now_ms)
  fails=$("$@")
  t1=$(now_ms)
  MS[$mode.$name]=${MS[$mode.$name]:+${MS[$mode.$name]},}$((t1 - t0))
  [ "${fails:-0}" -le "${MS[$mode.$name.fail]:-0}" ] || MS[$mode.$name.fail]=${fails:-0}
  : "${MS[$mode.$name.fail]:=0}"
  local note=""; [ "${fails:-0}" = 0 ] || note="  ($fails unexpected results)"
  say "  $(printf '%-14s %7d ms' "$name" $((t1 - t0)))$note"
}

# Each workload prints the number of unexpected results (0 when all went as expected).
w_flat() { local i f=0; for i in $(seq 120); do [ "$(bash -c "echo $i" </dev/null)" = "$i" ] || f=$((f+1)); done; echo $f; }
w_fileops() {
  # 1,000 file operations in one exec: 250 x (create, read, stat, delete). Output goes to a sink
  # file, not /dev/null: bench-realistic has no rule allowing writes to /dev/null, so governed
  # `>/dev/null` fails (EACCES) and the governed run would skip work the ungoverned run does.
  # Any failed step counts as unexpected.
  bash -c 'cd /tmp/agentsh-bench && mkdir -p fo && cd fo && for i in $(seq 250); do echo "data $i" > f$i && cat f$i >../sink && stat -c %s f$i >../sink && rm f$i || exit 1; done' </dev/null || echo 1
}
w_git() {
  bash -c 'cd /tmp/agentsh-bench && rm -rf clone && git clone -q src clone && cd clone && git grep -q "needle 42" && echo more >> file1.txt && git commit -qam change' </dev/null && echo 0 || echo 1
}
w_http() { local i f=0; for i in $(seq 10); do bash -c "curl -s -m 10 http://$ALLOWED_NAME/bench/$i" </dev/null | grep -q "$ALLOWED_MARKER" || f=$((f+1)); done; echo $f; }
w_denied() {
  # governed: each must be refused (126); ungoverned: sudo simply runs.
  local i f=0 rc
  for i in $(seq 50); do bash -c 'sudo -n true' </dev/null >/dev/null 2>&1; rc=$?
    if [ "$MODE" = governed ] && [ $rc != 126 ]; then f=$((f+1)); fi; done; echo $f
}
w_redirected() {
  local i f=0 out
  for i in $(seq 50); do out=$(bash -c 'cd /tmp/agentsh-bench/redirect-repo && git reset --hard -q' </dev/null 2>&1)
    if [ "$MODE" = governed ] && [[ $out != *"Hard reset blocked"* ]]; then f=$((f+1)); fi; done; echo $f
}
w_nested() { local i f=0; for i in $(seq 20); do [ "$(bash -c "bash -c 'bash -c \"bash -c \\\"echo deep\\\"\"'" </dev/null)" = deep ] || f=$((f+1)); done; echo $f; }
w_fanout() {
  local i f=0
  for i in $(seq 10); do
    [ "$(bash -c 'for j in $(seq 10); do bash -c "echo x" & done; wait' </dev/null | grep -c x)" = 10 ] || f=$((f+1))
  done; echo $f
}
PHASES=(flat fileops git http denied redirected nested fanout)
# Warm-up, not measured: page cache, and the long-lived daemon's JIT (a user's daemon has been
# running for hours; a just-started JVM is not what the agent meets). The commands alone leave
# the supervisor's file and exec handlers cold (interpreted), so the warm-up also runs a short
# file loop in one command (twice by default), outside the measurement.
warm_up() {
  local p i
  for i in $(seq "$warm_commands"); do bash -c "echo warm $i" </dev/null >/dev/null 2>&1; done
  for i in $(seq "$warm_loops"); do
    bash -c 'cd /tmp/agentsh-bench && mkdir -p warm && cd warm && for i in $(seq 150); do echo "data $i" > f$i && cat f$i >../warm-sink && stat -c %s f$i >../warm-sink && rm f$i; done' </dev/null >/dev/null 2>&1
  done
  # Unmeasured passes of the whole workload: every kind of command (denied, redirected, nested)
  # has been served before, as by a daemon that has been running an agent for a while.
  for i in $(seq "$warm_passes"); do for p in "${PHASES[@]}"; do "w_$p" >/dev/null 2>&1; done; done
}
measure() {
  local p
  for p in "${PHASES[@]}"; do phase "$MODE" "$p" "w_$p"; done
}

source /opt/agentsh-testbed/lib/daemon.sh

shim_cmd() { agentsh shim "$1" --root / --bash --i-understand-this-modifies-the-host "${@:2}"; }
ungoverned() { shim_cmd uninstall-shell || { echo "bench: shim uninstall failed" >&2; exit 1; }; }
governed() { shim_cmd install-shell --shim /usr/bin/agentsh-shell-shim --force || { echo "bench: shim install failed" >&2; exit 1; }; }

if [ "$measure_passes" = 1 ]; then
  # --- ungoverned: the original shells back in place (git and others call /bin/sh themselves), no daemon
  stop_daemon
  ungoverned
  say "ungoverned (original shells, no daemon):"
  MODE=ungoverned; warm_up; measure
  # --- governed ------------------------------------------------------------------------------
  governed; start_daemon "$daemon_opts"
  say "governed (shim + daemon, policy bench-realistic):"
  MODE=governed; warm_up; measure
else
  # Several measured passes: ungoverned and governed alternate pass by pass, so a slow minute of
  # the machine lands on both sides. The warmed daemon stays up (idle) during the ungoverned
  # passes, which run with the original shells and never reach it.
  stop_daemon
  ungoverned; MODE=ungoverned; warm_up
  governed; start_daemon "$daemon_opts"; MODE=governed; warm_up
  for pass in $(seq "$measure_passes"); do
    ungoverned; say "pass $pass, ungoverned (original shells):"; MODE=ungoverned; measure
    governed; say "pass $pass, governed (shim + daemon, policy bench-realistic):"; MODE=governed; measure
  done
fi

# --- shim overhead: bash -c true through the shim vs bash.real -c true -------------------------
overhead_json=null
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 20 --runs 200 --export-json "$OUT_DIR/shim-overhead.json" \
    'bash -c true' '/bin/bash.real -c true' </dev/null >/dev/null 2>&1 && overhead_json=$(cat "$OUT_DIR/shim-overhead.json")
fi

# --- report ----------------------------------------------------------------------------------
export BENCH_MS=$(for k in "${!MS[@]}"; do echo "$k=${MS[$k]}"; done)
export BENCH_PHASES="${PHASES[*]}" OVERHEAD_JSON=$overhead_json
/usr/bin/python3 - "$json_only" "$OUT_DIR/bench.json" <<'PY'
import json, os, sys
json_only, path = sys.argv[1] == '1', sys.argv[2]
ms = dict(l.split('=', 1) for l in os.environ['BENCH_MS'].split('\n') if l)
phases = os.environ['BENCH_PHASES'].split()
res = {'phases': {}, 'unexpected': {}}
def median(v):
    v = sorted(int(x) for x in v.split(','))
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) // 2
for p in phases:
    u, g = median(ms[f'ungoverned.{p}']), median(ms[f'governed.{p}'])
    res['phases'][p] = {'ungoverned_ms': u, 'governed_ms': g, 'ratio': round(g / u, 2) if u else None,
                        'ungoverned_passes_ms': [int(x) for x in ms[f'ungoverned.{p}'].split(',')],
                        'governed_passes_ms': [int(x) for x in ms[f'governed.{p}'].split(',')]}
    res['unexpected'][p] = int(ms.get(f'governed.{p}.fail', 0))
tu = sum(v['ungoverned_ms'] for v in res['phases'].values())
tg = sum(v['governed_ms'] for v in res['phases'].values())
res['total'] = {'ungoverned_ms': tu, 'governed_ms': tg, 'ratio': round(tg / tu, 2) if tu else None}
# Issue 8's second target: the phases whose work runs inside one governed command (one shim
# hop for the whole phase), as opposed to one `agentsh exec` per command.
single = [p for p in ('fileops', 'git') if p in res['phases']]
su = sum(res['phases'][p]['ungoverned_ms'] for p in single)
sg = sum(res['phases'][p]['governed_ms'] for p in single)
res['single_exec_total'] = {'phases': single, 'ungoverned_ms': su, 'governed_ms': sg, 'ratio': round(sg / su, 2) if su else None}
ov = json.loads(os.environ['OVERHEAD_JSON']) if os.environ['OVERHEAD_JSON'] != 'null' else None
if ov:
    med = {r['command']: r['median'] * 1000 for r in ov['results']}
    res['shim_overhead'] = {'shim_median_ms': round(med['bash -c true'], 3),
                            'real_median_ms': round(med['/bin/bash.real -c true'], 3),
                            'added_median_ms': round(med['bash -c true'] - med['/bin/bash.real -c true'], 3)}
open(path, 'w').write(json.dumps(res, indent=2) + '\n')
if json_only:
    print(json.dumps(res, indent=2))
else:
    print('\nphase           ungoverned    governed   ratio  unexpected')
    for p in phases:
        v = res['phases'][p]
        print(f"{p:<14} {v['ungoverned_ms']:>8} ms {v['governed_ms']:>8} ms  {v['ratio'] if v['ratio'] is not None else '-':>5}  {res['unexpected'][p]}")
    t = res['total']
    print(f"{'total':<14} {t['ungoverned_ms']:>8} ms {t['governed_ms']:>8} ms  {t['ratio']:>5}")
    s = res['single_exec_total']
    print(f"{'one-exec phases':<14} {s['ungoverned_ms']:>8} ms {s['governed_ms']:>8} ms  {s['ratio']:>5}  ({' + '.join(s['phases'])})")
    if 'shim_overhead' in res:
        o = res['shim_overhead']
        print(f"\nshim overhead: bash -c true median {o['shim_median_ms']} ms vs bash.real {o['real_median_ms']} ms: +{o['added_median_ms']} ms")
PY
