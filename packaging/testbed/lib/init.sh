#!/bin/bash
# Stage 1 of the testbed, pid 1 of the VM's PID namespace, still seeing the host's files
# (in a private mount namespace). Builds the VM root, pivots into it, detaches the host root,
# runs stage 2 (boot.sh) and reaps every process until it ends. When this exits the kernel
# kills whatever is left in the namespace.
set -euo pipefail
T=$TESTBED_T
R=$T/root
say() { [ "${TESTBED_QUIET:-0}" = 1 ] || echo "testbed: $*" >&2; }

mount --make-rprivate /
# Lower layer: a read-only, non-recursive bind of / (only the root filesystem, none of the
# host's other mounts). Upper layer: a tmpfs, so every write in the VM dies with it.
mount --bind / "$T/lower"
mount -o remount,bind,ro "$T/lower"
mount -t tmpfs -o mode=0755,size=8g testbed-rw "$T/rw"
mkdir "$T/rw/upper" "$T/rw/work"
mount -t overlay testbed-root -o "lowerdir=$T/lower,upperdir=$T/rw/upper,workdir=$T/rw/work" "$R"

# /proc of the new PID namespace.
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
# A minimal /dev: a few host device nodes bound in, fresh devpts and /dev/shm.
mount -t tmpfs -o mode=0755,nosuid,size=64m testbed-dev "$R/dev"
for n in null zero full random urandom tty fuse; do
  [ -e "/dev/$n" ] || continue
  touch "$R/dev/$n"; mount --bind "/dev/$n" "$R/dev/$n"
done
if [ -e /dev/net/tun ]; then mkdir -p "$R/dev/net"; touch "$R/dev/net/tun"; mount --bind /dev/net/tun "$R/dev/net/tun"; fi
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev testbed-shm "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"; ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
# /sys: a fresh sysfs (it shows this network namespace's devices), read-only; the host's
# cgroup trees are bound in so cgroup enforcement can be tested (vm.sh removes the cgroups a
# run leaves behind).
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
if [ -d /sys/fs/cgroup ] && mountpoint -q /sys/fs/cgroup; then mount --rbind /sys/fs/cgroup "$R/sys/fs/cgroup"; fi
mount -t tmpfs -o mode=0755,nosuid,nodev testbed-run "$R/run"
mount -t tmpfs -o mode=1777,nosuid,nodev testbed-tmp "$R/tmp"

# The payload (testbed scripts, the .deb, config, policy, command). out/ is bound from the
# host's $T so results survive the VM.
mkdir -p "$R/opt/agentsh-testbed"
cp -a "$T/payload/." "$R/opt/agentsh-testbed/"
mount --bind "$T/payload/out" "$R/opt/agentsh-testbed/out"

# pivot_root, then detach the old root: from here on the host's tree is unreachable.
cd "$R"
mkdir -p .testbed-oldroot
pivot_root . .testbed-oldroot
cd /
umount -l /.testbed-oldroot
rmdir /.testbed-oldroot
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
say "VM root ready (overlay over /, pid $$ of a new PID namespace)"

rc=0
/bin/bash /opt/agentsh-testbed/lib/boot.sh &
boot=$!
# Reap everything (orphans re-parent to us) until stage 2 ends.
while :; do
  if wait "$boot"; then rc=0; else rc=$?; fi
  kill -0 "$boot" 2>/dev/null || break
done
# Stage 2 is done: stop every leftover process before the namespace goes (the kernel would
# SIGKILL them anyway; TERM first lets the daemon close its files).
kill -TERM -1 2>/dev/null || true
sleep 0.2
kill -KILL -1 2>/dev/null || true
exit $rc
