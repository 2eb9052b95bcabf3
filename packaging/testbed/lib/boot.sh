#!/bin/bash
# Stage 2 of the testbed, inside the VM root: network, stand-in servers, the test CA, the
# .deb, config and policy, the daemon, the shim; then the command. Runs as a child of the VM's
# pid 1 (init.sh).
set -euo pipefail
TB=/opt/agentsh-testbed
OUT=$TB/out
say() { [ "${TESTBED_QUIET:-0}" = 1 ] || echo "testbed: $*" >&2; }
fail() { echo "testbed: boot failed: $*" >&2; exit 3; }
# shellcheck source=standins.env
source "$TB/lib/standins.env"

# --- identity and names -------------------------------------------------------------------
hostname agentsh-vm
echo agentsh-vm >/etc/hostname
rm -f /etc/hosts /etc/resolv.conf   # may be symlinks into the host's /run: replace, not edit
{
  echo "127.0.0.1 localhost agentsh-vm"
  echo "::1 localhost ip6-localhost ip6-loopback"
  echo "$ALLOWED_ADDR $ALLOWED_NAME"
  echo "$ROUTED_ADDR $ROUTED_NAME"
  echo "$NAMED_ADDR $NAMED_NAME"
  echo "$REDIRECT_ADDR $REDIRECT_NAME"
  echo "$METADATA_ADDR $METADATA_NAME"
  echo "$INTERNAL_ADDR $INTERNAL_NAME"
  echo "$PRIVATE10_ADDR $PRIVATE10_NAME"
  echo "$PRIVATE172_ADDR $PRIVATE172_NAME"
  echo "$METADATA6_ADDR $METADATA6_NAME"
} >/etc/hosts
# Nothing answers DNS on 127.0.0.1:53 (until the DNS proxy does): lookups of unknown names fail
# at once, and never leave the VM (there is no route out anyway).
echo "nameserver 127.0.0.1" >/etc/resolv.conf

# --- network: lo only, forbidden addresses on lo with marker stand-ins ---------------------
ip link set lo up
sysctl -qw net.ipv6.conf.lo.disable_ipv6=0 2>/dev/null || true
for a in $FORBIDDEN_V4 $ROUTED_ADDR $NAMED_ADDR; do ip addr add "$a/32" dev lo; done
for a in $FORBIDDEN_V6; do ip -6 addr add "$a/128" dev lo nodad; done
ip route show table local >/dev/null

# --- test CA and server certificate (fresh per boot) ---------------------------------------
tls=$TB/tls; mkdir -p "$tls"
san="DNS:$ALLOWED_NAME,DNS:$METADATA_NAME,DNS:$INTERNAL_NAME,DNS:$PRIVATE10_NAME,DNS:$PRIVATE172_NAME,DNS:$METADATA6_NAME,DNS:$ROUTED_NAME,DNS:$NAMED_NAME,IP:$ALLOWED_ADDR,IP:$ROUTED_ADDR,IP:$NAMED_ADDR"
for a in $FORBIDDEN_V4 $FORBIDDEN_V6; do san="$san,IP:$a"; done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=agentsh testbed CA" \
  -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$ALLOWED_NAME" \
  -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial -days 2 \
  -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san") -out "$tls/server.crt" 2>/dev/null
cp "$tls/ca.crt" /usr/local/share/ca-certificates/agentsh-testbed-ca.crt
update-ca-certificates >/dev/null 2>&1 || fail "update-ca-certificates"

# --- stand-in servers ------------------------------------------------------------------------
/usr/bin/python3 "$TB/lib/standins.py" --tls-cert "$tls/server.crt" --tls-key "$tls/server.key" \
  --ready /run/agentsh-testbed-standins.ready --log "$OUT/standins.log" >"$OUT/standins.out" 2>&1 &
for _ in $(seq 100); do [ -e /run/agentsh-testbed-standins.ready ] && break; sleep 0.05; done
[ -e /run/agentsh-testbed-standins.ready ] || { cat "$OUT/standins.out" >&2; fail "stand-in servers did not start"; }
say "network: lo with forbidden stand-ins on $FORBIDDEN_V4 $FORBIDDEN_V6; allowed $ALLOWED_NAME=$ALLOWED_ADDR, $ROUTED_NAME=$ROUTED_ADDR and $NAMED_NAME=$NAMED_ADDR (http :80, https :443)"

# --- agentsh ---------------------------------------------------------------------------------
if [ "${TESTBED_INSTALL:-1}" = 1 ]; then
  dpkg -i "$TB/agentsh.deb" >"$OUT/dpkg.log" 2>&1 || { cat "$OUT/dpkg.log" >&2; fail "dpkg -i agentsh.deb"; }
  say "installed $(dpkg-query -W -f='${Package} ${Version}' agentsh)"
  install -m 0644 "$TB/config.yaml" /etc/agentsh/config.yaml
  mkdir -p /etc/agentsh/policies
  if [ "${TESTBED_POLICY_EDIT:-1}" = 1 ]; then
    /usr/bin/python3 "$TB/lib/policy-edit.py" "$TB/policy.yaml" /etc/agentsh/policies/default.yaml
  else
    install -m 0644 "$TB/policy.yaml" /etc/agentsh/policies/default.yaml
  fi
  mkdir -p /var/log/agentsh /workspace
  # Started the way a user's VM does it; setsid so it is not in the command's process group.
  # A daemon that does not come up is reported, not fatal: the command (the suite) still runs
  # and its checks say what is missing.
  setsid agentsh server --config /etc/agentsh/config.yaml >"$OUT/server.log" 2>&1 </dev/null &
  echo $! >/run/agentsh-testbed-server.pid
  disown  # tests kill and restart it; no job notices from this shell
  server_ok=0
  for _ in $(seq 300); do
    if curl -fsS -m 1 http://127.0.0.1:18080/health >/dev/null 2>&1; then server_ok=1; break; fi
    kill -0 "$(cat /run/agentsh-testbed-server.pid)" 2>/dev/null || break
    sleep 0.1
  done
  if [ $server_ok = 1 ]; then
    say "agentsh server up (pid $(cat /run/agentsh-testbed-server.pid)), /health ok"
  else
    echo "testbed: WARNING: agentsh server is not healthy; last lines of its log:" >&2
    tail -5 "$OUT/server.log" | sed 's/^/testbed:   /' >&2
  fi
  export TESTBED_SERVER_OK=$server_ok
  if [ "${TESTBED_SHIM:-1}" = 1 ]; then
    if agentsh shim install-shell --root / --shim /usr/bin/agentsh-shell-shim --bash --force \
        --i-understand-this-modifies-the-host; then
      say "shell shim installed over /bin/sh and /bin/bash (force=true)"
    else
      echo "testbed: WARNING: agentsh shim install-shell failed" >&2
    fi
  fi
fi

# --- the command -------------------------------------------------------------------------------
# Run by the real bash (the shim may now be /bin/bash); inside, `bash`/`sh` go through the shim.
cd /root
export HOME=/root USER=root LOGNAME=root SHELL=/bin/bash TESTBED=$TB TESTBED_OUT=$OUT
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
real_bash=/bin/bash; [ -x /bin/bash.real ] && real_bash=/bin/bash.real
export TESTBED_BASH=$real_bash
set +e
"$real_bash" "$TB/cmd.sh"
rc=$?
exit $rc
