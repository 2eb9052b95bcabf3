# The embedded LLM proxy end to end (issue 7): a governed session talks to $OPENAI_BASE_URL, the
# daemon forwards to a fake OpenAI-style provider on the VM's loopback (lib/fake-llm.py, never a
# real host). The first check that needs it restarts the daemon with a copy of its config whose
# providers point at the fake and with proxy.rate_limits (enabled, 10 requests per minute); the
# last check restores the daemon on /etc/agentsh/config.yaml. All requests come from ONE governed
# command (the rate limiter is per session): 1 JSON request with secrets, 1 streamed, 8 plain,
# then the 11th, which must get 429.
category "llm proxy end to end"

LLM_FAKE_ADDR=127.0.0.7 LLM_FAKE_PORT=8087
LLM_DIR=$SUITE_TMP/llm
LLM_SK="sk-TestbedFakeOpenAiKey0123456789abcdefghijklmnopqrstuv"
LLM_AWS="AKIAIOSFODNN7EXAMPLE"
LLM_CARD="4111 1111 1111 1111"   # passes Luhn
LLM_MODEL="gpt-testbed-e2e"

# The daemon on a config that forwards to the fake provider; once per suite run.
llm_e2e_setup() {
  [ -e "$LLM_DIR/daemon-ready" ] && return 0
  mkdir -p "$LLM_DIR"
  if [ ! -e "$LLM_DIR/fake-ready" ]; then
    setsid /usr/bin/python3 "$TB/lib/fake-llm.py" "$LLM_FAKE_ADDR" "$LLM_FAKE_PORT" "$LLM_DIR/upstream.jsonl" \
      "$LLM_DIR/fake-ready" >"$LLM_DIR/fake.out" 2>&1 </dev/null &
    echo $! >"$LLM_DIR/fake.pid"
    for _ in $(seq 100); do [ -e "$LLM_DIR/fake-ready" ] && break; sleep 0.05; done
    [ -e "$LLM_DIR/fake-ready" ] || { why "the fake LLM provider did not start: $(head -c 200 "$LLM_DIR/fake.out")"; return 1; }
  fi
  # A text edit (comments and everything else stay as they are): both providers to the fake,
  # rate_limits added at the top of the proxy section. Refuses if the config is not as expected.
  /usr/bin/python3 - /etc/agentsh/config.yaml "$LLM_DIR/config.yaml" "http://$LLM_FAKE_ADDR:$LLM_FAKE_PORT" <<'PY' 2>"$LLM_DIR/edit.err" \
    || { why "config edit failed: $(head -c 200 "$LLM_DIR/edit.err")"; return 1; }
import re, sys
src, dst, url = sys.argv[1:]
t = open(src).read()
if re.search(r'^  rate_limits:', t, re.M):
    sys.exit("proxy.rate_limits already set in " + src)
for p in ("openai", "anthropic"):
    t, n = re.subn(r'^(    %s:)[ \t]*\S.*$' % p, r'\1 "%s"' % url, t, flags=re.M)
    if n != 1: sys.exit("proxy.providers.%s: %d lines in %s" % (p, n, src))
t, n = re.subn(r'^proxy:[ \t]*\n', 'proxy:\n  rate_limits:\n    enabled: true\n    requests_per_minute: 10\n', t, flags=re.M)
if n != 1: sys.exit("no proxy: section in " + src)
open(dst, "w").write(t)
PY
  local pid
  pid=$(pgrep -f '^agentsh server' | head -1)
  if [ -n "$pid" ]; then
    kill -KILL "$pid"   # as daemon-killed-refuses does; TERM takes seconds
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  setsid agentsh server --config "$LLM_DIR/config.yaml" >>"${TESTBED_OUT:-$TB/out}/server.log" 2>&1 </dev/null &
  echo $! >/run/agentsh-testbed-server.pid
  for _ in $(seq 300); do curl -fsS -m 1 "$API/health" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS -m 1 "$API/health" >/dev/null 2>&1 || { why "the daemon did not start on the LLM test config"; return 1; }
  rm -f "$SUITE_TMP/sid"   # API sessions of the old daemon are gone
  touch "$LLM_DIR/daemon-ready"
}

# The eleven requests from one governed command; once. Lines: base=URL, code N HTTP RETRY-AFTER,
# body1 JSON-RESPONSE, and the stream's lines prefixed with "sse ".
llm_e2e_run() {
  [ -s "$LLM_DIR/run.out" ] && { OUT=$(cat "$LLM_DIR/run.out"); return 0; }
  llm_e2e_setup || return 1
  local script
  script=$(cat <<'SH'
b=$OPENAI_BASE_URL; echo "base=$b"
req() { curl -s -m 10 -H "Authorization: Bearer sk-testbed-caller" -H "Content-Type: application/json" --data-binary @- "$@" "$b/chat/completions"; }
r=$(req -o /dev/stdout -w '\ncode 1 %{http_code} %header{retry-after}' <<'J'
{"model":"@MODEL@","messages":[{"role":"user","content":"my key @SK@ and aws @AWS@ and card @CARD@ please"}]}
J
); echo "body1 $r"
req -w '\ncode 2 %{http_code} %header{retry-after}\n' <<'J' | sed 's/^/sse /'
{"model":"@MODEL@-stream","stream":true,"messages":[{"role":"user","content":"stream please"}]}
J
for i in 3 4 5 6 7 8 9 10 11; do
  echo '{"model":"@MODEL@-plain","messages":[{"role":"user","content":"hi"}]}' | req -o /dev/null -w "code $i %{http_code} %header{retry-after}\n"
done
SH
)
  script=${script//@MODEL@/$LLM_MODEL}; script=${script//@SK@/$LLM_SK}
  script=${script//@AWS@/$LLM_AWS}; script=${script//@CARD@/$LLM_CARD}
  run_started 60 "$script" || return 1
  [[ $OUT == *"base=http://"* ]] || { why "OPENAI_BASE_URL not set in the session: ${OUT:0:120}"; return 1; }
  printf '%s\n' "$OUT" >"$LLM_DIR/run.out"
}

llm_sid() { local s; s=$(sed -n 's/^base=//p' "$LLM_DIR/run.out"); s=${s#*/s/}; echo "${s%%/*}"; }
llm_code() { sed -n "s/^\(sse \)\{0,1\}code $1 //p" "$LLM_DIR/run.out"; }

t_llm_e2e_redacted() {
  llm_e2e_run || return 1
  local c; c=$(llm_code 1)
  [[ $c == 200* ]] || { why "request with secrets: HTTP '$c', expected 200 (${OUT:0:200})"; return 1; }
  grep -q '^body1 .*Hello json' "$LLM_DIR/run.out" || { why "the provider's answer did not reach the session: $(grep '^body1' "$LLM_DIR/run.out" | head -c 200)"; return 1; }
  local rec
  rec=$(grep -F "\\\"$LLM_MODEL\\\"" "$LLM_DIR/upstream.jsonl" 2>/dev/null)
  [ -n "$rec" ] || { why "the fake provider never received the request (recorded: $(head -c 200 "$LLM_DIR/upstream.jsonl" 2>/dev/null))"; return 1; }
  local s
  for s in "$LLM_SK" "$LLM_AWS" "$LLM_CARD" "${LLM_CARD// /}"; do
    [[ $rec == *"$s"* ]] && { why "secret ${s:0:6}... reached the provider: ${rec:0:240}"; return 1; }
  done
  # Each secret is replaced by one marker, the words around them are kept. (The sk- key is
  # labelled api_key: the built-in and the custom openai_key match the same span; ties go to
  # config order, built-ins first.)
  local re='my key \[REDACTED:[A-Za-z_]+\] and aws \[REDACTED:AWS_KEY\] and card \[REDACTED:[A-Za-z_]+\] please'
  [[ $rec =~ $re ]] || why "the prompt did not reach the provider as '<key> [REDACTED:...] ...': ${rec:0:240}"
}
check llm-e2e-secrets-redacted-upstream t_llm_e2e_redacted

# llm_log_usage MODEL IN OUT: the session's llm-requests.jsonl has a request for MODEL whose
# response line carries usage IN/OUT.
llm_log_usage() {
  /usr/bin/python3 - "$1" "$2" "$3" "/var/lib/agentsh/sessions/$(llm_sid)/llm-requests.jsonl" <<'PY'
import json, sys
model, i, o, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lines = [json.loads(l) for l in open(path) if l.strip()]
ids = {l["id"] for l in lines if l.get("model") == model and "request" in l}
if not ids: sys.exit("no request line for model %s in %s (%d lines)" % (model, path, len(lines)))
resp = [l for l in lines if l.get("request_id") in ids]
if not resp: sys.exit("no response line for the %s request" % model)
u = resp[0].get("usage") or {}
if (u.get("input_tokens"), u.get("output_tokens")) != (i, o):
    sys.exit("usage %s, expected input %d output %d" % (json.dumps(u), i, o))
PY
}

t_llm_e2e_logged() {
  llm_e2e_run || return 1
  local log err
  log="/var/lib/agentsh/sessions/$(llm_sid)/llm-requests.jsonl"
  # The log is written on a background thread: allow it a moment.
  for _ in $(seq 30); do err=$(llm_log_usage "$LLM_MODEL" 11 7 2>&1) && break; sleep 0.1; done
  [ -z "$err" ] || { why "$log: ${err:0:240}"; return 1; }
  for s in "$LLM_SK" "$LLM_AWS" "${LLM_CARD// /}"; do
    grep -qF "$s" "$log" && { why "secret ${s:0:6}... written to $log"; return 1; }
  done
  return 0
}
check llm-e2e-request-logged-with-usage t_llm_e2e_logged

t_llm_e2e_stream() {
  llm_e2e_run || return 1
  local c sse err
  c=$(llm_code 2)
  [[ $c == 200* ]] || { why "streamed request: HTTP '$c', expected 200"; return 1; }
  sse=$(sed -n 's/^sse //p' "$LLM_DIR/run.out")
  # The proxy may re-cut the deltas (its streaming redactor holds back an open word): the
  # concatenated content is what must arrive.
  local text
  text=$(/usr/bin/python3 -c '
import json, sys
out = []
for l in sys.stdin:
    l = l.strip()
    if l.startswith("data: {"):
        for c in json.loads(l[6:]).get("choices", []):
            out.append((c.get("delta") or {}).get("content") or "")
print("".join(out))' <<<"$sse" 2>&1)
  [ "$text" = "Hello stream" ] && [[ $sse == *'data: [DONE]'* ]] || { why "stream not relayed (content '${text:0:80}'): ${sse:0:200}"; return 1; }
  grep -qF "\\\"$LLM_MODEL-stream\\\"" "$LLM_DIR/upstream.jsonl" || { why "the provider never received the streamed request"; return 1; }
  for _ in $(seq 30); do err=$(llm_log_usage "$LLM_MODEL-stream" 5 2 2>&1) && break; sleep 0.1; done
  [ -z "$err" ] || why "stream usage not logged: ${err:0:200}"
}
check llm-e2e-stream-passes-through t_llm_e2e_stream

t_llm_e2e_rate_limit() {
  llm_e2e_run || return 1
  local i c
  for i in 1 2 3 4 5 6 7 8 9 10; do
    c=$(llm_code $i)
    [[ $c == 200* ]] || { why "request $i of 10 in the minute: HTTP '$c', expected 200"; return 1; }
  done
  c=$(llm_code 11)
  [[ $c == 429* ]] || { why "the 11th request in the minute: HTTP '$c', expected 429"; return 1; }
  [[ ${c#429} =~ ^\ +[0-9]+$ ]] || { why "429 without a Retry-After: '$c'"; return 1; }
  local n; n=$(grep -cF "\\\"$LLM_MODEL-plain\\\"" "$LLM_DIR/upstream.jsonl")
  [ "$n" = 8 ] || why "the provider got $n plain requests, expected 8 (the refused one must not be forwarded)"
}
check llm-e2e-11th-request-429 t_llm_e2e_rate_limit

# Back to the daemon the testbed booted, and the fake provider stopped.
t_llm_e2e_restore() {
  [ -e "$LLM_DIR/fake.pid" ] && kill "$(cat "$LLM_DIR/fake.pid")" 2>/dev/null
  [ -e "$LLM_DIR/daemon-ready" ] || return 0
  local pid
  pid=$(pgrep -f '^agentsh server' | head -1)
  [ -n "$pid" ] && { kill -KILL "$pid"; for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; }
  rm -f "$SUITE_TMP/sid" "$LLM_DIR/daemon-ready"
  restart_server || { why "the daemon did not come back on /etc/agentsh/config.yaml"; return 1; }
}
check llm-e2e-daemon-restored t_llm_e2e_restore
