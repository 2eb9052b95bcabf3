# Environment policy: secrets in the caller's environment do not reach the command.
category "environment policy"

t_env_secret_hidden_shim() {
  run_cmd 30 env AWS_SECRET_ACCESS_KEY=suite-secret-value AWS_ACCESS_KEY_ID=AKIASUITE bash -c 'env'
  [ "$RC" = 0 ] || { why "exit $RC: ${ERR:0:200}"; return 1; }
  [[ $OUT != *suite-secret-value* && $OUT != *AWS_SECRET_ACCESS_KEY* ]] || why "AWS_SECRET_ACCESS_KEY is visible to the child"
}
check env-aws-secret-hidden-shim t_env_secret_hidden_shim

t_env_allowed_kept() {
  run_cmd 30 env LANG=C.UTF-8 bash -c 'echo "$LANG|$HOME"'
  [ "$OUT" = "C.UTF-8|/root" ] || why "allowed variables not passed: '$OUT'"
}
check env-allowed-vars-kept t_env_allowed_kept

t_env_secret_hidden_api() {
  local sid
  sid=$(suite_session) || { why "no session"; return 1; }
  api POST "/api/v1/sessions/$sid/exec" '{"command":"env","env":{"AWS_SECRET_ACCESS_KEY":"suite-secret-value"}}'
  [ "$HTTP" = 200 ] || { why "HTTP $HTTP: ${BODY:0:200}"; return 1; }
  [[ $(json "d['result']['stdout']") != *suite-secret-value* ]] || why "AWS_SECRET_ACCESS_KEY is visible through the API"
}
check env-aws-secret-hidden-api t_env_secret_hidden_api
