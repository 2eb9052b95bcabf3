#!/usr/bin/env bash
# Explicit-proxy benchmark, loopback only, inside a private network namespace (unshare -n):
# wrk straight at a Netty origin vs. wrk through the proxy (absolute-form requests), then a
# 1 GiB download through CONNECT. Every run is bounded (DUR seconds per wrk run).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/jdk.sh
DUR=${DUR:-10}
CONNS=${CONNS:-64}
THREADS=${PROXY_THREADS:-1}
if [ "${1:-}" != "--inside" ]; then
  mvn -B -q -o -pl proxy -am -DskipTests test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
  exec unshare -n -- "$0" --inside
fi
ip link set lo up
CP="proxy/target/classes:proxy/target/test-classes:$(cat proxy/target/bench.cp)"
JAVA=(java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Dproxy.threads="$THREADS" ${BENCH_JAVA_OPTS:-} -cp "$CP")
LOG=$(mktemp)
"${JAVA[@]}" io.agentsh.proxy.bench.ProxyBench serve $((DUR * 5 + 30)) >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LOG" /tmp/agentsh-bench-abs.lua' EXIT
for _ in $(seq 100); do grep -q '^ORIGIN' "$LOG" && break; sleep 0.1; done
read -r _ ORIGIN _ SOURCE _ PROXY < <(grep '^ORIGIN' "$LOG")
cat >/tmp/agentsh-bench-abs.lua <<LUA
wrk.path = "http://127.0.0.1:$ORIGIN/"
LUA
warm() { wrk -t1 -c"$CONNS" -d3s "$@" >/dev/null; }
echo "== warm-up"; warm "http://127.0.0.1:$ORIGIN/"; warm -s /tmp/agentsh-bench-abs.lua "http://127.0.0.1:$PROXY"
echo "== direct, $CONNS connections";   wrk -t1 -c"$CONNS" -d"${DUR}s" --latency "http://127.0.0.1:$ORIGIN/"
echo "== via proxy, $CONNS connections"; wrk -t1 -c"$CONNS" -d"${DUR}s" --latency -s /tmp/agentsh-bench-abs.lua "http://127.0.0.1:$PROXY"
echo "== direct, 1 connection (latency)";   wrk -t1 -c1 -d"${DUR}s" --latency "http://127.0.0.1:$ORIGIN/"
echo "== via proxy, 1 connection (latency)"; wrk -t1 -c1 -d"${DUR}s" --latency -s /tmp/agentsh-bench-abs.lua "http://127.0.0.1:$PROXY"
kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true
grep -E '^CPU' "$LOG" || true
echo "== load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "== 1 GiB through CONNECT (3 runs)"
"${JAVA[@]}" io.agentsh.proxy.bench.ProxyBench connect1g | grep -E 'CONNECT|DIRECT|events'
