#!/usr/bin/env bash
# Explicit-proxy benchmark, loopback only, inside a private network namespace (unshare -n: no
# route off the machine exists). wrk (one thread, keep-alive HTTP/1.1, the same binary and
# connection count both ways) straight at a Netty origin vs. through the proxy (absolute-form
# requests via a Lua script), interleaved ROUNDS times, medians reported; then 1 GiB read
# directly and through CONNECT, alternately. Origin and proxy are separate JVMs so each can be
# pinned and its CPU time read from /proc. Every run is bounded (DUR seconds per wrk run).
#
# env: DUR (s per wrk run, 5)  ROUNDS (3)  WARM (s of warm-up per mode, 6)  CONNS (64)
#      PROXY_THREADS (1)  TRANSFERS (3)  POLICY (shipped default policy)
#      PIN=shared  wrk, origin and proxy float over all CPUs (the default; what a user's box does)
#      PIN=split   wrk and origin share CPU 0 in both runs, the proxy has CPU 1 to itself
#      PIN=one     everything on CPU 0 (latency without cross-CPU wakeups)
#      RELAY=1     also through socat as a plain TCP relay (a hop in C with no HTTP, no policy, no
#                  events): what one more user-space hop costs at the least, for comparison
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/jdk.sh
DUR=${DUR:-5}
ROUNDS=${ROUNDS:-3}
WARM=${WARM:-6}
CONNS=${CONNS:-64}
THREADS=${PROXY_THREADS:-1}
TRANSFERS=${TRANSFERS:-3}
POLICY=${POLICY:-packaging/deb/etc/agentsh/policies/default.yaml}
PIN=${PIN:-shared}
RELAY=${RELAY:-}
if [ "${1:-}" != "--inside" ]; then
  if [ -z "${NOBUILD:-}" ]; then
    mvn -B -q -o -pl proxy -am -DskipTests test-compile dependency:build-classpath \
        -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test >/dev/null
  fi
  exec unshare -n -- "$0" --inside
fi
ip link set lo up
case "$PIN" in
  shared) TS_WRK=(); TS_ORIGIN=(); TS_PROXY=() ;;
  split)  TS_WRK=(taskset -c 0); TS_ORIGIN=(taskset -c 0); TS_PROXY=(taskset -c 1) ;;
  one)    TS_WRK=(taskset -c 0); TS_ORIGIN=(taskset -c 0); TS_PROXY=(taskset -c 0) ;;
  *) echo "PIN must be shared, split or one" >&2; exit 2 ;;
esac
CP="proxy/target/classes:proxy/target/test-classes:$(cat proxy/target/bench.cp)"
JAVA=(java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -Dproxy.threads="$THREADS"
      ${BENCH_JAVA_OPTS:-} -cp "$CP")
WORK=$(mktemp -d)
LIFE=$(( (WARM * 3 + DUR * 4 * ROUNDS) + TRANSFERS * 30 + 60 ))
"${TS_ORIGIN[@]}" "${JAVA[@]}" io.agentsh.proxy.bench.ProxyBench origin "$LIFE" >"$WORK/origin.log" 2>&1 &
OPID=$!
"${TS_PROXY[@]}" "${JAVA[@]}" ${PROXY_JAVA_OPTS:-} io.agentsh.proxy.bench.ProxyBench proxy "$LIFE" "$POLICY" >"$WORK/proxy.log" 2>&1 &
PPID_=$!
trap 'kill $OPID $PPID_ ${SPID:-} 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 300); do grep -q '^ORIGIN' "$WORK/origin.log" && grep -q '^PROXY' "$WORK/proxy.log" && break; sleep 0.1; done
read -r _ ORIGIN _ SOURCE < <(grep '^ORIGIN' "$WORK/origin.log")
read -r _ PROXY _ < <(grep '^PROXY' "$WORK/proxy.log")
MODES="direct proxy"
if [ -n "$RELAY" ]; then
  RELAYPORT=$((PROXY + 1))
  "${TS_PROXY[@]}" socat TCP-LISTEN:$RELAYPORT,bind=127.0.0.1,fork,reuseaddr,nodelay TCP:127.0.0.1:$ORIGIN,nodelay &
  SPID=$!
  MODES="direct proxy relay"
  trap 'kill $OPID $PPID_ $SPID 2>/dev/null || true; kill $(pgrep -P $SPID) 2>/dev/null || true; rm -rf "$WORK"' EXIT
  sleep 0.3
fi
echo "PIN=$PIN DUR=$DUR ROUNDS=$ROUNDS CONNS=$CONNS PROXY_THREADS=$THREADS policy=$POLICY"
echo "wrk.path = \"http://127.0.0.1:$ORIGIN/\"" >"$WORK/abs.lua"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user+system CPU of a process, in clock ticks
# the relay's CPU: socat and its per-connection children (live ones, plus those already reaped)
relay_ticks() {
  [ -n "$RELAY" ] || { echo 0; return; }
  local t=0 c
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$SPID/stat")
  for c in $(pgrep -P "$SPID" || true); do t=$((t + $(ticks "$c" 2>/dev/null || echo 0))); done
  echo "$t"
}
HZ=$(getconf CLK_TCK)
# one wrk run; appends "mode conns rps p50_us requests wrk_cpu_s origin_cpu_s proxy_cpu_s" to $WORK/results
run() {
  local mode=$1 conns=$2 dur=$3 o0 p0 o1 p1 out args=()
  case "$mode" in
    proxy) args=(-s "$WORK/abs.lua" "http://127.0.0.1:$PROXY") ;;
    relay) args=("http://127.0.0.1:$RELAYPORT/") ;;
    *) args=("http://127.0.0.1:$ORIGIN/") ;;
  esac
  o0=$(ticks $OPID)
  if [ "$mode" = relay ]; then p0=$(relay_ticks); else p0=$(ticks $PPID_); fi
  { TIMEFORMAT='%U %S'; time "${TS_WRK[@]}" wrk -t1 -c"$conns" -d"${dur}s" --latency "${args[@]}" >"$WORK/wrk.out"; } 2>"$WORK/wrk.time"
  o1=$(ticks $OPID)
  if [ "$mode" = relay ]; then p1=$(relay_ticks); else p1=$(ticks $PPID_); fi
  awk -v mode="$mode" -v conns="$conns" -v hz="$HZ" -v o=$((o1 - o0)) -v p=$((p1 - p0)) \
      -v wcpu="$(awk '{print $1 + $2}' "$WORK/wrk.time")" '
    function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1e6; return v }
    /requests in/ { n = $1 }
    /^ +50%/ { p50 = us($2) }
    /^Requests\/sec/ { rps = $2 }
    END { printf "%s %d %.0f %.0f %d %.3f %.3f %.3f\n", mode, conns, rps, p50, n, wcpu, o / hz, p / hz }' "$WORK/wrk.out"
}

echo "== warm-up (${WARM}s each: direct and proxy with $CONNS connections, proxy with 1)"
run direct "$CONNS" "$WARM" >/dev/null; run proxy "$CONNS" "$WARM" >/dev/null; run proxy 1 "$WARM" >/dev/null
if [ -n "$RELAY" ]; then run relay "$CONNS" 2 >/dev/null; fi
: >"$WORK/results"
for r in $(seq "$ROUNDS"); do
  # alternate the order each round so neither mode always runs first
  if [ $((r % 2)) = 1 ]; then order="$MODES"; else order=$(echo "$MODES" | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for m in $order; do run "$m" "$CONNS" "$DUR" | tee -a "$WORK/results"; done
  for m in $order; do run "$m" 1 "$DUR" | tee -a "$WORK/results"; done
done | awk '{printf "   %-6s %3d conns: %8d req/s  p50 %6d us   CPU per request: wrk %5.1f origin %5.1f proxy %5.1f us\n",
              $1, $2, $3, $4, $6 * 1e6 / $5, $7 * 1e6 / $5, $8 * 1e6 / $5}'
# (for relay rows the last column is the relay's CPU)
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== medians over $ROUNDS rounds"
awk -v conns="$CONNS" '
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                     return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { k = $1 "_" $2; c[k]++; rps[k, c[k]] = $3; p50[k, c[k]] = $4
    w[k, c[k]] = $6 * 1e6 / $5; o[k, c[k]] = $7 * 1e6 / $5; p[k, c[k]] = $8 * 1e6 / $5 }
  function med(arr, k,   i, t) { delete t; for (i = 1; i <= c[k]; i++) t[i] = arr[k, i]; return median(t, c[k]) }
  END {
    dk = "direct_" conns; pk = "proxy_" conns
    dr = med(rps, dk); pr = med(rps, pk)
    W = med(w, dk); O = med(o, dk); P = med(p, pk); Wp = med(w, pk); Op = med(o, pk)
    printf "   %d connections: direct %.0f req/s, via proxy %.0f req/s, ratio %.2f\n", conns, dr, pr, pr / dr
    printf "   CPU per request (us): wrk %.1f, origin %.1f direct; wrk %.1f, origin %.1f, proxy %.1f via proxy\n", W, O, Wp, Op, P
    printf "   if all three are CPU-bound on the same cores the ratio is (W+O)/(Wp+Op+P) = %.2f (Wp, Op: wrk and origin via proxy), at best (W+O)/(W+O+P) = %.2f\n",
           (W + O) / (Wp + Op + P), (W + O) / (W + O + P)
    d1 = med(p50, "direct_1"); p1 = med(p50, "proxy_1")
    printf "   1 connection: median latency direct %.0f us, via proxy %.0f us, added %.0f us; req/s ratio %.2f\n",
           d1, p1, p1 - d1, med(rps, "proxy_1") / med(rps, "direct_1")
    if (c["relay_" conns] > 0) {
      rk = "relay_" conns
      printf "   socat TCP relay instead of the proxy: %.0f req/s, ratio %.2f, relay CPU %.1f us per request; 1 connection: added %.0f us\n",
             med(rps, rk), med(rps, rk) / dr, med(p, rk), med(p50, "relay_1") - d1
    }
  }' "$WORK/results"

echo "== 1 GiB through CONNECT vs. read directly, alternately ($TRANSFERS each)"
p0=$(ticks $PPID_)
"${TS_WRK[@]}" "${JAVA[@]}" io.agentsh.proxy.bench.ProxyBench transfer "$PROXY" "$SOURCE" "$TRANSFERS" | tee "$WORK/transfer"
p1=$(ticks $PPID_)
awk -v cpu=$(( p1 - p0 )) -v hz="$HZ" -v n="$TRANSFERS" '
  function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                     return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  $1 == "DIRECT" { d[++nd] = $2 } $1 == "CONNECT" { c[++nc] = $2 }
  END { printf "   median: direct %.2f GB/s, through CONNECT %.2f GB/s; proxy CPU %.2f s per GiB\n",
               median(d, nd), median(c, nc), cpu / hz / n }' "$WORK/transfer"
kill -TERM $PPID_ 2>/dev/null || true; wait $PPID_ 2>/dev/null || true
grep '^EVENTS' "$WORK/proxy.log" | sed 's/^/   /' || true
echo "== load average after the HTTP runs: $LOADAVG; now: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
