# Inside the testbed VM (started by bench/fileops-view.sh): the workload's fileops phase (250 x
# create, read, stat, rm) in the workspace, /root, with the exe.dev config and policy as shipped:
# governed, every command of the loop goes through the shim, the syscall supervisor and the FUSE
# view, and every rm is a soft delete into the trash; ungoverned, bash.real on the plain /root.
# Alternating pairs after a warm-up; prints medians and pair ratios. Argument: pairs (default 8).
set -uo pipefail
pairs=${1:-8}
W=/root/agentsh-bench-view; rm -rf "$W"; mkdir -p "$W"
LOOP='cd /root/agentsh-bench-view && mkdir -p fo && cd fo && for i in $(seq 250); do echo "data $i" > f$i && cat f$i >../sink && stat -c %s f$i >../sink && rm f$i || exit 1; done'
ms() { local t0; t0=$(date +%s%N); "$@" </dev/null || echo "FAILED: $*" >&2; echo $(( ($(date +%s%N) - t0) / 1000000 )); }
# Proof the governed loop runs on the view: the workspace is FUSE inside a governed command.
fs=$(bash -c 'stat -f -c %T /root' </dev/null)
case $fs in fuse*) ;; *) echo "fileops-view: /root is '$fs' inside a governed command, not the FUSE view" >&2; exit 1 ;; esac
for _ in 1 2 3; do bash -c "$LOOP" </dev/null >/dev/null 2>&1; /bin/bash.real -c "$LOOP" </dev/null >/dev/null 2>&1; done
g=""; u=""
for _ in $(seq "$pairs"); do g="$g $(ms bash -c "$LOOP")"; u="$u $(ms /bin/bash.real -c "$LOOP")"; done
trashed=$(agentsh trash list 2>/dev/null | grep -c agentsh-bench-view || true)
python3 - "$g" "$u" "$trashed" <<'PY'
import statistics as s, sys
g, u = [int(x) for x in sys.argv[1].split()], [int(x) for x in sys.argv[2].split()]
print(f"fileops in /root (view + soft delete): governed median {s.median(g):.0f} ms  ungoverned median {s.median(u):.0f} ms  "
      f"ratio {s.median(g) / s.median(u):.2f}  (pairs: {' '.join(f'{a / b:.2f}' for a, b in zip(g, u))}); "
      f"trash entries from the loop: {sys.argv[3]}")
PY
