# Host fingerprint for the throwaway-VM testbed (sourced by vm.sh).
# The testbed promises the host is exactly as before a run: same /bin/bash and /bin/sh bytes,
# same /etc (names, types, modes, sizes, contents), no agentsh installed, no shim leftovers.

# Paths that must never exist on the host: their presence means a shim or the .deb leaked out.
HOSTCHECK_MUST_BE_ABSENT=(
  /bin/bash.real /bin/sh.real /usr/bin/bash.real /usr/bin/sh.real
  /etc/agentsh /usr/bin/agentsh /usr/bin/agentsh-shell-shim /usr/lib/agentsh
  /var/lib/agentsh /lib/systemd/system/agentsh.service
)

hostcheck_fingerprint() {
  local sh_target
  sh_target=$(readlink -f /bin/sh)
  echo "bin/sh -> $(readlink /bin/sh) ($sh_target)"
  sha256sum /bin/bash /usr/bin/bash "$sh_target"
  echo "dpkg agentsh: $(dpkg-query -W -f='${Status}' agentsh 2>/dev/null || echo not-installed)"
  # Listing first (catches type/mode/symlink changes), then contents of every regular file.
  find /etc -xdev -printf '%p %y %m %s %l\n' | LC_ALL=C sort
  find /etc -xdev -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
}

# Prints one line per problem; returns non-zero when the host is not clean.
hostcheck_absent() {
  local p bad=0
  for p in "${HOSTCHECK_MUST_BE_ABSENT[@]}"; do
    if [ -e "$p" ] || [ -L "$p" ]; then echo "host-check: $p exists on the host" >&2; bad=1; fi
  done
  if dpkg-query -W -f='${Status}' agentsh 2>/dev/null | grep -q installed; then
    echo "host-check: the agentsh package is installed on the host" >&2; bad=1
  fi
  return $bad
}

# hostcheck_compare BEFORE AFTER: loud failure with a diff when anything changed.
hostcheck_compare() {
  local before=$1 after=$2 bad=0
  if ! cmp -s "$before" "$after"; then
    echo "host-check: FAILED: the host changed during the testbed run:" >&2
    diff "$before" "$after" | head -40 | sed 's/^/host-check:   /' >&2
    echo "host-check: (a concurrent apt-get on the host also changes /etc; check the diff above)" >&2
    bad=1
  fi
  hostcheck_absent || bad=1
  return $bad
}
