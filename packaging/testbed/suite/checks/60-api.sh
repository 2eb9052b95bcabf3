# Command blocking through the HTTP API.
category "command blocking via the API"

t_api_exec_denied() {
  local sid
  sid=$(suite_session) || { why "cannot create a session: HTTP $HTTP ${BODY:0:200}"; return 1; }
  api POST "/api/v1/sessions/$sid/exec" '{"command":"sudo","args":["id"]}'
  [ "$HTTP" = 403 ] || { why "HTTP $HTTP, expected 403: ${BODY:0:200}"; return 1; }
  [ "$(json "d['result']['exit_code']")" = 126 ] || { why "result.exit_code $(json "d['result']['exit_code']"), expected 126"; return 1; }
  local rule
  rule=$(json "(d.get('result',{}).get('error') or {}).get('policy_rule') or (d.get('guidance') or {}).get('policy_rule')")
  [ "$rule" = block-shell-escape ] || why "rule '$rule', expected block-shell-escape: ${BODY:0:200}"
}
check api-exec-sudo-403 t_api_exec_denied

t_api_exec_allowed() {
  local sid
  sid=$(suite_session) || { why "cannot create a session: HTTP $HTTP ${BODY:0:200}"; return 1; }
  api POST "/api/v1/sessions/$sid/exec" '{"command":"echo","args":["via","api"]}'
  [ "$HTTP" = 200 ] || { why "HTTP $HTTP: ${BODY:0:200}"; return 1; }
  [ "$(json "d['result']['exit_code']")" = 0 ] || { why "exit_code $(json "d['result']['exit_code']")"; return 1; }
  [ "$(json "d['result']['stdout'].strip()")" = "via api" ] || why "stdout '$(json "d['result']['stdout']")'"
}
check api-exec-echo-200 t_api_exec_allowed

t_api_bad_json() {
  local sid
  sid=$(suite_session) || { why "no session"; return 1; }
  api POST "/api/v1/sessions/$sid/exec" '{"command":'
  [ "$HTTP" = 400 ] || why "malformed JSON: HTTP $HTTP, expected 400"
}
check api-malformed-json-400 t_api_bad_json
