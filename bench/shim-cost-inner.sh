# The fixed cost a governed command pays on the shim path, run inside the testbed VM (started by
# bench/shim-cost.sh): `bash -c true` through the shim and the daemon against `bash.real -c true`,
# interleaved (one of each per round, so both see the same machine load), after a warm-up.
# Prints medians, quartiles and the load average. Argument: rounds (default 300).
set -uo pipefail
rounds=${1:-300}
for _ in $(seq 300); do curl -fsS -m 1 http://127.0.0.1:18080/health >/dev/null 2>&1 && break; sleep 0.1; done
mkdir -p /tmp/agentsh-bench && cd /tmp/agentsh-bench || exit 1
/usr/bin/python3 - "$rounds" <<'PY'
import statistics, subprocess, sys, time
rounds = int(sys.argv[1])
cmds = {"shim": ["/bin/bash", "-c", "true"], "real": ["/bin/bash.real", "-c", "true"]}
def once(argv):
    t0 = time.perf_counter_ns()
    rc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    dt = (time.perf_counter_ns() - t0) / 1e6
    if rc != 0: sys.exit(f"{argv} exited {rc}")
    return dt
for _ in range(50): once(cmds["shim"])  # warm-up: the daemon's JIT, page cache
res = {k: [] for k in cmds}
for _ in range(rounds):
    for k, argv in cmds.items(): res[k].append(once(argv))
def q(v, p): v = sorted(v); return v[min(len(v) - 1, int(p * len(v)))]
for k, v in res.items():
    print(f"{k:5s} median {statistics.median(v):7.3f} ms  p25 {q(v,.25):7.3f}  p75 {q(v,.75):7.3f}  p90 {q(v,.9):7.3f}  mean {statistics.mean(v):7.3f}")
d = [a - b for a, b in zip(res["shim"], res["real"])]
print(f"added median {statistics.median(d):.3f} ms (per-round difference), mean {statistics.mean(d):.3f} ms, {rounds} rounds")
print("load:", open("/proc/loadavg").read().strip())
PY
