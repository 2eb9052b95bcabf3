# DLP: secrets are redacted from what goes back to the agent.
category DLP

t_dlp_exec_stdout() {
  local sid key=AKIAABCDEFGHIJKLMNOP
  sid=$(suite_session) || { why "no session"; return 1; }
  api POST "/api/v1/sessions/$sid/exec" "{\"command\":\"echo\",\"args\":[\"key=$key\"]}"
  [ "$HTTP" = 200 ] || { why "HTTP $HTTP"; return 1; }
  local out
  out=$(json "d['result']['stdout']")
  [[ $out != *$key* ]] || why "the AWS key came back unredacted: $out"
}
check dlp-exec-stdout-redacted t_dlp_exec_stdout
