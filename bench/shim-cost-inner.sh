# The fixed cost a governed command pays on the shim path, run inside the testbed VM (started by
# bench/shim-cost.sh): `bash -c true` through the shim and the daemon against `bash.real -c true`,
# interleaved (one of each per round, so both see the same machine load), after a warm-up.
# With variants (name=JVM options;...), the daemon is restarted with each variant's options in
# turn, twice over (A B A B), so variants are compared in the same run. Prints medians, the
# daemon's own arming phases (/metrics) and the load average. Arguments: rounds per block (300),
# variants ('name=JVM options;...', default 'default=').
set -uo pipefail
rounds=${1:-300}
OUT_DIR=${TESTBED_OUT:-/tmp}
mkdir -p /tmp/agentsh-bench && cd /tmp/agentsh-bench || exit 1
wait_ready() { for _ in $(seq 300); do curl -fsS -m 1 http://127.0.0.1:18080/health >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
restart() { # restart JAVA_TOOL_OPTIONS
  local pid; pid=$(cat /run/agentsh-testbed-server.pid 2>/dev/null)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  for _ in $(seq 100); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  JAVA_TOOL_OPTIONS="$1" setsid agentsh server --config /etc/agentsh/config.yaml >>"$OUT_DIR/server.log" 2>&1 </dev/null &
  echo $! >/run/agentsh-testbed-server.pid
  wait_ready || { echo "daemon not ready" >&2; exit 1; }
}
block() { # block NAME
  /usr/bin/python3 - "$rounds" "$1" "$OUT_DIR/shim-cost-$1.json" <<'PY'
import json, os, statistics, subprocess, sys, time
rounds, name, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cmds = {"shim": ["/bin/bash", "-c", "true"], "real": ["/bin/bash.real", "-c", "true"]}
def once(argv):
    t0 = time.perf_counter_ns()
    rc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    dt = (time.perf_counter_ns() - t0) / 1e6
    if rc != 0: sys.exit(f"{argv} exited {rc}")
    return dt
for _ in range(100): once(cmds["shim"])  # warm-up: the daemon's JIT, page cache
res = {k: [] for k in cmds}
for _ in range(rounds):
    for k, argv in cmds.items(): res[k].append(once(argv))
old = json.load(open(out)) if os.path.exists(out) else {"shim": [], "real": []}
for k in res: old[k] += res[k]
json.dump(old, open(out, "w"))
def q(v, p): v = sorted(v); return v[min(len(v) - 1, int(p * len(v)))]
for k, v in res.items():
    print(f"  {k:5s} median {statistics.median(v):7.3f} ms  p25 {q(v,.25):7.3f}  p75 {q(v,.75):7.3f}  p90 {q(v,.9):7.3f}")
d = [a - b for a, b in zip(res["shim"], res["real"])]
print(f"  added median {statistics.median(d):.3f} ms (per-round difference), {rounds} rounds; load", open("/proc/loadavg").read().split()[0])
PY
  curl -fsS -m 5 http://127.0.0.1:18080/metrics | grep '^agentsh_command_phase' | grep -v 'quantile="0.9"' \
    | sed 's/agentsh_command_phase_microseconds//; s/^/    /' | tr '\n' ' ' | sed 's/    / /g'; echo
}
IFS=';' read -r -a variants <<<"${2:-default=}"
for pass in 1 2; do
  for v in "${variants[@]}"; do
    name=${v%%=*} opts=${v#*=}
    echo "== $name (pass $pass) JAVA_TOOL_OPTIONS='$opts' $(date -u +%H:%M:%S)"
    restart "$opts"
    block "$name"
  done
done
echo "== all passes"
/usr/bin/python3 - "$OUT_DIR" "${variants[@]}" <<'PY'
import json, statistics, sys
for v in sys.argv[2:]:
    name = v.split("=", 1)[0]
    r = json.load(open(f"{sys.argv[1]}/shim-cost-{name}.json"))
    d = [a - b for a, b in zip(r["shim"], r["real"])]
    print(f"{name:10s} shim median {statistics.median(r['shim']):7.3f} ms, real {statistics.median(r['real']):7.3f} ms, added median {statistics.median(d):7.3f} ms ({len(d)} rounds)")
PY
echo "load: $(cat /proc/loadavg)"
