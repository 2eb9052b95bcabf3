#!/usr/bin/env bash
# The workspace view against a C FUSE passthrough file system: bindfs (Debian's 1.14.7 on libfuse 2,
# `apt-get install bindfs`). Both over directories of one tmpfs workspace, the shell loop of
# scripts/bench-fuse.sh (1,000 x echo > f; cat f; rm f) run natively, through the view and through
# bindfs in turn, ROUNDS times; prints the runs and the medians. Root and /dev/fuse, like
# bench-fuse.sh. VIEW_OPTS: JVM options for the view's process; BINDFS_OPTS: bindfs's options
# (default: its own single-threaded loop with use_ino).
#   bash bench/fuse-vs-bindfs.sh [ROUNDS]      (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
command -v bindfs >/dev/null || { echo "fuse-vs-bindfs: needs bindfs (apt-get install bindfs)" >&2; exit 2; }
log=$(mktemp /tmp/agentsh-fuse-serve.XXXXXX)
mnt=$(mktemp -d /tmp/agentsh-bindfs.XXXXXX)
BENCH_JAVA_OPTS="${VIEW_OPTS:-}" bash scripts/bench-fuse.sh 1 serve 900 >"$log" 2>&1 &
serve=$!
cleanup() { fusermount -u "$mnt" 2>/dev/null || true; rmdir "$mnt" 2>/dev/null || true; kill "$serve" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT
for _ in $(seq 120); do grep -aq '^.*view ' "$log" && break; sleep 1; done
view=$(grep -a 'view ' "$log" | sed 's/.*view //')
ws=$(grep -a 'ws ' "$log" | sed 's/.*ws //')
[ -d "$ws" ] && [ -d "$view" ] || { echo "fuse-vs-bindfs: the view did not come up" >&2; cat "$log" >&2; exit 1; }
mkdir -p "$ws/native" "$ws/bindfs" "$view/view"
# shellcheck disable=SC2086
bindfs ${BINDFS_OPTS:--o use_ino} "$ws/bindfs" "$mnt"
loop='cd "$1" && for i in $(seq 1 1000); do echo hello > f$i; cat f$i > /dev/null; rm f$i; done'
ms() { local t0; t0=$(date +%s%N); bash -c "$loop" bench "$1"; echo $(( ($(date +%s%N) - t0) / 1000000 )); }
for d in "$ws/native" "$view/view" "$mnt"; do ms "$d" >/dev/null; done   # warm-up
n="" v="" b=""
for _ in $(seq "$rounds"); do n="$n $(ms "$ws/native")"; v="$v $(ms "$view/view")"; b="$b $(ms "$mnt")"; done
echo "ms per 1,000 iterations: native:$n | view:$v | bindfs:$b"
python3 - "$n" "$v" "$b" <<'PY'
import statistics as s, sys
n, v, b = ([int(x) for x in a.split()] for a in sys.argv[1:4])
print(f"median native {s.median(n):.0f}  view {s.median(v):.0f} ({s.median(v) / s.median(n):.2f}x)  "
      f"bindfs {s.median(b):.0f} ({s.median(b) / s.median(n):.2f}x)")
PY
