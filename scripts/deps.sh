#!/usr/bin/env bash
# Installs the Debian packages that building, the throwaway VM and the tests need.
# The VM's overlay sees the host's /usr, so everything the VM uses is installed here first.
set -euo pipefail
PKGS=(
  build-essential musl-tools file            # static shim (musl-gcc), native client
  dpkg-dev fakeroot lintian unzip binutils    # .deb build (jdeps scan, strip) and lint
  util-linux iproute2 nftables procps psmisc  # unshare/nsenter, veth, nft, pgrep
  fuse3                                       # fusermount (detect, bench); the view itself mounts /dev/fuse directly
  sqlite3 curl wget python3 git sudo openssl  # tools the suite drives inside the VM
  ca-certificates                             # the VM trusts its test CA (update-ca-certificates)
  netcat-openbsd socat dnsutils strace hyperfine wrk maven
)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
