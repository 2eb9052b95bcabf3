# Server and config: the daemon runs, answers, and is visible as `agentsh server`.
category "server & config"

t_health() {
  api GET /health
  [ "$HTTP" = 200 ] || { why "GET /health: HTTP $HTTP"; return 1; }
  [[ $BODY == ok* ]] || why "GET /health body '${BODY:0:60}', expected ok"
}
check health t_health

t_session_list_json() {
  run_cmd 30 agentsh session list
  [ "$RC" = 0 ] || { why "exit $RC: ${ERR:0:200}"; return 1; }
  BODY=$OUT
  [ "$(json 'type(d).__name__')" = list ] || why "session list is not a JSON array: ${OUT:0:120}"
}
check session-list-json t_session_list_json

t_pgrep_server() {
  local p
  p=$(pgrep -a agentsh)
  grep -qE '(^| )agentsh server' <<<"$p" || { why "pgrep -a agentsh shows: ${p:-nothing}"; return 1; }
  grep -q java <<<"$p" && { why "the daemon shows as java: $p"; return 1; }
  return 0
}
check pgrep-shows-agentsh-server t_pgrep_server

t_etc_files() {
  local f
  for f in /etc/agentsh/config.yaml /etc/agentsh/policies/default.yaml /etc/agentsh/shim.conf; do
    [ -s "$f" ] || { why "$f missing or empty"; return 1; }
  done
  grep -qx 'force=true' /etc/agentsh/shim.conf || why "shim.conf has no force=true"
}
check etc-agentsh-files t_etc_files
