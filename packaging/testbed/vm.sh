#!/usr/bin/env bash
# The throwaway VM: boots a private copy of this machine, installs agentsh in it, runs a command,
# throws it away, and proves the host did not change.
#
#   packaging/testbed/vm.sh [options] [-- COMMAND...]
#
#   --deb FILE        the .deb to install (default: the newest dist/agentsh_*_amd64.deb)
#   --no-install      boot only: network, stand-in servers, no .deb, no server, no shim
#   --config FILE     server config   (default: testbed/compat/exe.dev/config.yaml)
#   --policy FILE     default policy  (default: testbed/compat/exe.dev/default.yaml, plus the
#                     testbed's allow rule for the stand-in names, see lib/policy-edit.py)
#   --no-policy-edit  install the policy exactly as given
#   --no-shim         do not install the shell shim
#   --script FILE     copy FILE into the VM and run it (arguments after -- go to it)
#   --out DIR         copy the VM's /opt/agentsh-testbed/out (logs, results) to DIR on exit
#   --timeout SEC     kill the VM after SEC seconds (default 1500)
#   -q                quieter boot
#
# Without a command it runs `id; hostname; ip -brief addr`. The exit code is the command's,
# or 99 when the host-unchanged check fails (that check always runs last and is loud).
#
# How the VM is built (see README "Testbed"): `unshare` new mount, PID, network, UTS and IPC
# namespaces; a read-only bind of / is the lower layer of an overlayfs whose upper layer is a
# tmpfs; fresh /proc, a minimal /dev, fresh read-only /sys (host cgroup trees bound in), tmpfs
# /run and /tmp; pivot_root into it and detach the old root, so nothing inside can reach the
# host's files except through the copy-on-write overlay. The network namespace has only `lo`.
set -euo pipefail

TESTBED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$TESTBED_DIR/../.." && pwd)
# shellcheck source=lib/hostcheck.sh
source "$TESTBED_DIR/lib/hostcheck.sh"

die() { echo "testbed: $*" >&2; exit 2; }

deb="" install=1 shim=1 policy_edit=1 script="" out="" timeout_s=1500 quiet=0
config="$TESTBED_DIR/compat/exe.dev/config.yaml"
policy="$TESTBED_DIR/compat/exe.dev/default.yaml"
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) deb=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    --config) config=$2; shift 2 ;;
    --policy) policy=$2; shift 2 ;;
    --no-policy-edit) policy_edit=0; shift ;;
    --no-shim) shim=0; shift ;;
    --script) script=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    -q) quiet=1; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[ "$(id -u)" = 0 ] || die "needs root (namespaces, mounts)"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || die "kernel has no overlayfs"
for t in unshare pivot_root ip python3 openssl curl; do command -v "$t" >/dev/null || die "missing $t (run scripts/deps.sh)"; done
if [ $install = 1 ]; then
  if [ -z "$deb" ]; then
    deb=$(ls -t "$REPO_DIR"/dist/agentsh_*_amd64.deb 2>/dev/null | head -1 || true)
    [ -n "$deb" ] || die "no .deb in $REPO_DIR/dist (run scripts/build.sh, or pass --no-install)"
  fi
  [ -f "$deb" ] || die "no such .deb: $deb"
  [ -f "$config" ] || die "no such config: $config"
  [ -f "$policy" ] || die "no such policy: $policy"
fi
[ -z "$script" ] || [ -f "$script" ] || die "no such script: $script"

# Everything of this run lives under $T; the overlay's upper layer is a tmpfs inside the
# namespace, so it vanishes with it. $T/payload is copied into the VM's /opt/agentsh-testbed.
T=$(mktemp -d /tmp/agentsh-testbed.XXXXXX)
mkdir -p "$T/payload/out" "$T/lower" "$T/rw" "$T/root"
cp -a "$TESTBED_DIR/." "$T/payload/"
[ $install = 0 ] || { cp "$deb" "$T/payload/agentsh.deb"; cp "$config" "$T/payload/config.yaml"; cp "$policy" "$T/payload/policy.yaml"; }
if [ -n "$script" ]; then
  cp "$script" "$T/payload/run-script"
  { printf 'exec "$TESTBED_BASH" /opt/agentsh-testbed/run-script'; [ $# = 0 ] || printf ' %q' "$@"; echo; } >"$T/payload/cmd.sh"
elif [ $# -gt 0 ]; then
  printf '%s\n' "$*" >"$T/payload/cmd.sh"
else
  printf '%s\n' 'id; hostname; ip -brief addr' >"$T/payload/cmd.sh"
fi

HOST_BEFORE=$(mktemp /tmp/agentsh-testbed-host.XXXXXX)
hostcheck_fingerprint >"$HOST_BEFORE"
hostcheck_absent || die "the host is not clean BEFORE the run (see above); refusing to start"
cg_before=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -type d -name '*agentsh*' 2>/dev/null | sort)

export TESTBED_T=$T TESTBED_INSTALL=$install TESTBED_SHIM=$shim TESTBED_POLICY_EDIT=$policy_edit TESTBED_QUIET=$quiet
rc=0
# ^C or TERM kills the VM (same process group) but not the clean-up and host check below.
trap 'echo "testbed: interrupted; cleaning up" >&2' INT TERM
# --kill-child: if unshare dies (timeout, ^C) the VM's pid 1 dies, and with it every process
# of the PID namespace.
timeout --kill-after=10 "$timeout_s" \
  unshare --mount --propagation private --pid --fork --kill-child --net --uts --ipc --mount-proc \
  -- /bin/bash "$TESTBED_DIR/lib/init.sh" || rc=$?
[ $rc = 124 ] && echo "testbed: the VM timed out after ${timeout_s}s" >&2

# Throw the VM away. Mounts lived only in the dead mount namespace; refuse to delete if any
# is still visible here (rm would otherwise walk into it).
if findmnt -rn -o TARGET | grep -qF "$T"; then
  echo "testbed: mounts under $T are still present on the host; not deleting it" >&2; rc=99
else
  [ -z "$out" ] || { mkdir -p "$out"; cp -a "$T/payload/out/." "$out/"; }
  rm -rf --one-file-system "$T"
fi
# cgroups the daemon made inside the VM are host cgroups (the trees are bound in): remove
# the empty ones this run created. Not the ones younger than a minute: another VM running at the
# same time may have just made them for a command that has not joined yet (removing those made
# that VM's commands fail with "cgroup.procs: no such file"). A leftover of ours that is skipped
# here is swept by the next daemon start (empty agentsh cgroups older than 5 minutes).
cg_after=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -type d -name '*agentsh*' 2>/dev/null | sort)
cg_young=$(( $(date +%s) - 60 ))
comm -13 <(echo "$cg_before") <(echo "$cg_after") | sort -r | while read -r d; do
  [ -n "$d" ] || continue
  [ "$(stat -c %Y "$d" 2>/dev/null || echo 0)" -lt "$cg_young" ] || continue
  find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
done

# The host-unchanged check, always last and loud.
HOST_AFTER=$(mktemp /tmp/agentsh-testbed-host.XXXXXX)
hostcheck_fingerprint >"$HOST_AFTER"
if hostcheck_compare "$HOST_BEFORE" "$HOST_AFTER"; then
  echo "host-check: OK (/bin/bash, /bin/sh and /etc unchanged; no agentsh on the host)"
  rm -f "$HOST_BEFORE" "$HOST_AFTER"
else
  echo "host-check: FAILED (fingerprint before the run kept in $HOST_BEFORE and $HOST_AFTER)" >&2
  rc=99
fi
exit $rc
