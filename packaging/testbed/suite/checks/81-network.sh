# Network enforcement: forbidden stand-ins must never be reached; the allowed one must be.
category network

# net_blocked NAME CMD: the forbidden stand-ins log no new hit and no marker comes back.
net_blocked() {
  local before after
  before=$(forbidden_hits)
  run_started 30 "$1" || return 1
  after=$(forbidden_hits)
  [[ $OUT != *"$FORBIDDEN_MARKER"* ]] || { why "marker came back: ${OUT:0:100}"; return 1; }
  [ "$after" = "$before" ] || why "a forbidden stand-in was reached (stand-in log)"
}
t_net_metadata_ip() { net_blocked "curl -s -m 5 http://$METADATA_ADDR/"; }
check net-metadata-ip-blocked t_net_metadata_ip
t_net_internal_name() { net_blocked "curl -s -m 5 http://$INTERNAL_NAME/"; }
check net-internal-name-blocked t_net_internal_name
t_net_private10_https() { net_blocked "curl -sk -m 5 https://$PRIVATE10_ADDR/"; }
check net-private-https-blocked t_net_private10_https
t_net_ipv6_metadata() { net_blocked "curl -s -g -m 5 http://[$METADATA6_ADDR]/"; }
check net-ipv6-metadata-blocked t_net_ipv6_metadata
t_net_decimal_ip() { net_blocked "curl -s -m 5 http://2852039166/"; }
check net-decimal-ip-literal-blocked t_net_decimal_ip
t_net_raw_tcp() { net_blocked "python3 -c 'import socket; s=socket.create_connection((\"$PRIVATE172_ADDR\",22),3); print(s.recv(100).decode())'"; }
check net-raw-tcp-blocked t_net_raw_tcp
t_net_raw_tcp_audited() {
  # Proof the transparent proxy (not a dead network) refused it: a denied net_connect event for it.
  net_blocked "python3 -c 'import socket; s=socket.create_connection((\"$PRIVATE172_ADDR\",22),3); print(s.recv(100).decode())'" || return 1
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    api GET "/api/v1/events/search?type=net_connect&decision=deny&limit=1000"
    [[ $BODY == *"$PRIVATE172_ADDR"* ]] && return 0
    sleep 0.5
  done
  why "no denied net_connect event for $PRIVATE172_ADDR:22 (HTTP $HTTP ${BODY:0:160})"
}
check net-raw-tcp-denial-audited t_net_raw_tcp_audited
t_net_udp() { net_blocked "python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.settimeout(3); s.sendto(b\"x\",(\"$PRIVATE10_ADDR\",53)); print(s.recv(100).decode())'"; }
check net-udp-blocked t_net_udp

t_net_noproxy_blocked() { net_blocked "curl -s -m 5 --noproxy '*' http://$METADATA_ADDR/"; }
check net-noproxy-curl-blocked t_net_noproxy_blocked

t_net_python_allowed() {
  # The routed stand-in: 127.0.0.2 would be the session namespace's own loopback. Read to EOF
  # (HTTP/1.0): the headers and the body can arrive in separate segments.
  run_started 30 "python3 -c 'import socket; s=socket.create_connection((\"$ROUTED_NAME\",80),3); s.sendall(b\"GET /ok HTTP/1.0\\r\\nHost: $ROUTED_NAME\\r\\n\\r\\n\"); print(b\"\".join(iter(lambda: s.recv(4096), b\"\")).decode())'" || return 1
  [[ $OUT == *"$ALLOWED_MARKER addr=$ROUTED_ADDR"* ]] || why "routed allowed stand-in not reached from a python socket: rc=$RC ${OUT:0:120} ${ERR:0:120}"
}
check net-python-socket-allowed t_net_python_allowed

t_net_allowed() {
  run_cmd 30 bash -c "curl -s -m 5 http://$ALLOWED_NAME/ok && curl -s -m 5 https://$ALLOWED_NAME/ok"
  [ "$(grep -c "$ALLOWED_MARKER" <<<"$OUT")" = 2 ] || why "allowed stand-in not reached over http and https: rc=$RC ${OUT:0:120} ${ERR:0:120}"
}
check net-allowed-standin-reachable t_net_allowed

t_net_metrics() {
  api GET /metrics
  [[ $BODY == *'agentsh_net_connections_total{decision="deny"}'* ]] || { why "no network counters on /metrics (HTTP $HTTP)"; return 1; }
  local denied
  denied=$(grep -o 'agentsh_net_connections_total{decision="deny"} [0-9]*' <<<"$BODY" | awk '{print $2}')
  [ "${denied:-0}" -gt 0 ] || why "the denied connections of the checks above are not counted: ${denied:-none}"
}
check net-metrics-on-metrics-endpoint t_net_metrics

# A name only /etc/hosts knows, allowed by a domain rule alone: raw sockets and --noproxy clients
# reach the transparent proxy with just the address; it recovers the name from the Host header /
# TLS SNI and trusts it only because the name resolves to that very address.
t_net_hosts_name_by_domain() {
  run_cmd 30 bash -c "curl -s -m 5 --noproxy '*' http://$NAMED_NAME/h && curl -s -m 5 --noproxy '*' https://$NAMED_NAME/s"
  [ "$(grep -c "$ALLOWED_MARKER addr=$NAMED_ADDR" <<<"$OUT")" = 2 ] \
    || why "$NAMED_NAME (only in /etc/hosts, allowed by domain) not reached over http+https without the proxy: rc=$RC ${OUT:0:160} ${ERR:0:120}"
}
check net-hosts-name-allowed-by-domain t_net_hosts_name_by_domain
t_net_spoofed_host() { net_blocked "curl -s -m 5 --noproxy '*' -H 'Host: $NAMED_NAME' http://$SPOOF_ADDR/"; }
check net-spoofed-host-header-blocked t_net_spoofed_host
t_net_spoofed_sni() { net_blocked "curl -sk -m 5 --noproxy '*' --resolve $NAMED_NAME:443:$SPOOF_ADDR https://$NAMED_NAME/"; }
check net-spoofed-sni-blocked t_net_spoofed_sni

# connect_redirects: redirect.test:80 goes to the routed stand-in (nothing listens at redirect.test's
# own address), through the proxy and without it, with a connect_redirect audit event.
t_net_connect_redirect() {
  run_cmd 30 bash -c "curl -s -m 5 http://$REDIRECT_NAME/r1 && curl -s -m 5 --noproxy '*' http://$REDIRECT_NAME/r2"
  [ "$(grep -c "$ALLOWED_MARKER addr=$ROUTED_ADDR" <<<"$OUT")" = 2 ] \
    || { why "redirect.test not redirected to $ROUTED_ADDR: rc=$RC ${OUT:0:160} ${ERR:0:120}"; return 1; }
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    api GET "/api/v1/events/search?type=connect_redirect&limit=100"
    [[ $BODY == *testbed-redirect* ]] && return 0
    sleep 0.5
  done
  why "no connect_redirect event naming testbed-redirect (HTTP $HTTP ${BODY:0:160})"
}
check net-connect-redirect t_net_connect_redirect
