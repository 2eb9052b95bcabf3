# Helpers for the end-to-end security suite (sourced by run.sh and every checks/*.sh).
# A check is a function `t_NAME`; it returns 0 to pass, or calls `why "reason"` and returns 1.
# Commands that go through the shim are run with `bash`/`sh` from PATH (the shim); the suite
# itself runs under the real bash ($TESTBED_BASH).

TB=${TESTBED:-/opt/agentsh-testbed}
# shellcheck source=../lib/standins.env
source "$TB/lib/standins.env"
API=${AGENTSH_API:-http://127.0.0.1:18080}
SUITE_TMP=$(mktemp -d /tmp/suite.XXXXXX)
DENY_LINE_RE='agentsh: command denied by policy \(rule=[^)]+\)'

# why REASON: records why the running check failed; always returns 1.
why() { printf '%s' "$*" >"$SUITE_TMP/why"; return 1; }

# run_cmd TIMEOUT CMD...: runs CMD with stdin from /dev/null (non-TTY: the shim enforces because
# force=true), captures stdout/stderr/exit code into OUT, ERR, RC.
run_cmd() {
  local t=$1; shift
  timeout --kill-after=5 "$t" "$@" </dev/null >"$SUITE_TMP/out" 2>"$SUITE_TMP/err"
  RC=$?
  OUT=$(cat "$SUITE_TMP/out"); ERR=$(cat "$SUITE_TMP/err")
  return 0
}

# expect_denied RULE CMD...: exit 126, the denial line on stderr (with RULE unless RULE is "*").
expect_denied() {
  local rule=$1; shift
  run_cmd 30 "$@"
  [ "$RC" = 126 ] || { why "exit $RC, expected 126; stderr: ${ERR:0:200}"; return 1; }
  if [ "$rule" = "*" ]; then
    [[ $ERR =~ $DENY_LINE_RE ]] || { why "no denial line on stderr: ${ERR:0:200}"; return 1; }
  else
    [[ $ERR == *"agentsh: command denied by policy (rule=$rule)"* ]] || { why "denial line with rule=$rule missing; stderr: ${ERR:0:200}"; return 1; }
  fi
}

# run_started TIMEOUT SCRIPT: runs `bash -c SCRIPT` through the shim and demands proof that the
# command itself started (it must print a marker first). A check of enforcement INSIDE a command
# (kernel, network, trash) must not pass just because the shim refused the whole command.
run_started() {
  run_cmd "$1" bash -c "echo __suite_started__; $2"
  if [[ $OUT != __suite_started__* ]]; then
    why "the command did not start (exit $RC; stderr: ${ERR:0:160})"; return 1
  fi
  OUT=${OUT#__suite_started__}; OUT=${OUT#$'\n'}
}

# expect_ok EXPECTED_STDOUT CMD...
expect_ok() {
  local want=$1; shift
  run_cmd 30 "$@"
  [ "$RC" = 0 ] || { why "exit $RC; stderr: ${ERR:0:200}"; return 1; }
  [ "$OUT" = "$want" ] || { why "stdout '${OUT:0:100}', expected '$want'"; return 1; }
}

# The stand-ins log every request that reaches a forbidden address.
forbidden_hits() { grep -c '^forbidden' "${TESTBED_OUT:-$TB/out}/standins.log" 2>/dev/null || true; }

api() { # api METHOD PATH [JSON] -> BODY, HTTP
  local m=$1 p=$2 d=${3:-}
  if [ -n "$d" ]; then
    HTTP=$(curl -sS -m 30 -o "$SUITE_TMP/body" -w '%{http_code}' -X "$m" -H 'Content-Type: application/json' --data "$d" "$API$p" 2>"$SUITE_TMP/curlerr")
  else
    HTTP=$(curl -sS -m 30 -o "$SUITE_TMP/body" -w '%{http_code}' -X "$m" "$API$p" 2>"$SUITE_TMP/curlerr")
  fi
  BODY=$(cat "$SUITE_TMP/body" 2>/dev/null)
}

# json EXPR: evaluates a Python expression over the JSON document in $BODY (bound to d).
json() { printf '%s' "$BODY" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null; }

# A session for API checks, created once.
suite_session() {
  if [ ! -s "$SUITE_TMP/sid" ]; then
    api POST /api/v1/sessions '{"workspace":"/root"}'
    case "$HTTP" in 200|201) json "d['id']" >"$SUITE_TMP/sid" ;; *) return 1 ;; esac
  fi
  cat "$SUITE_TMP/sid"
}

# restart_server: starts the daemon again the way the testbed booted it.
restart_server() {
  setsid agentsh server --config /etc/agentsh/config.yaml >>"${TESTBED_OUT:-$TB/out}/server.log" 2>&1 </dev/null &
  echo $! >/run/agentsh-testbed-server.pid
  local i
  for i in $(seq 300); do curl -fsS -m 1 "$API/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
