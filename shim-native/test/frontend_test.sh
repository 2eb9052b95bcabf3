#!/usr/bin/env bash
# Tests of the agentsh front end: the native verbs against a fake HTTP API (test/fake_api.py)
# and the JNI path (a test class, and the real io.agentsh.cli.Main when cli/target has it).
set -u
cd "$(dirname "$0")/.."
HERE=$PWD
PY=$(type -P python3)
A=${AGENTSH_UNDER_TEST:-$HERE/target/bin/agentsh}
JDK=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
T=$(mktemp -d /tmp/fetest.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
fails=0
pass() { echo "PASS frontend: $1"; }
fail() { echo "FAIL frontend: $1: $2"; fails=$((fails + 1)); }
check() { if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }
last() { "$PY" -c "import json,sys; r=json.load(open('$T/state/last.json')); print(eval(sys.argv[1]))" "$1"; }

mkdir -p "$T/state"
"$PY" test/fake_api.py tcp "$T/port" "$T/state" &
PIDS+=($!)
"$PY" test/fake_api.py unix "$T/api.sock" "$T/state" &
PIDS+=($!)
for _ in $(seq 100); do [ -f "$T/port" ] && [ -S "$T/api.sock" ] && break; sleep 0.05; done
export AGENTSH_SERVER=http://127.0.0.1:$(cat "$T/port")
unset AGENTSH_SESSION_ID AGENTSH_OUTPUT AGENTSH_EVENTS AGENTSH_API_KEY AGENTSH_NO_AUTO TRACEPARENT

# ---- --version
out=$("$A" --version); rc=$?
check "--version" $([[ $out =~ ^agentsh\ [0-9A-Za-z.+-]+$ ]] && [ $rc -eq 0 ]; echo $?) "$out"

# ---- exec, shell output
out=$("$A" exec ok -- ls -la 2>"$T/err"); rc=$?
check "exec: stdout and exit 0" $([ "$out" = "hello <&> é" ] && [ "$(cat "$T/err")" = warn ] && [ $rc -eq 0 ]; echo $?) "out=$out err=$(cat "$T/err") rc=$rc"
check "exec: request" $([ "$(last "(r['method'], r['path'], r['body'])")" = "('POST', '/api/v1/sessions/ok/exec', {'command': 'ls', 'args': ['-la'], 'include_events': 'none'})" ]; echo $?) "$(last "(r['path'], r['body'])")"
"$A" exec --timeout 5s --events blocked --argv0 myls ok -- ls >/dev/null 2>&1
check "exec: --timeout --events --argv0" $([ "$(last "r['body']")" = "{'command': 'ls', 'args': [], 'timeout': '5s', 'argv0': 'myls', 'include_events': 'blocked'}" ]; echo $?) "$(last "r['body']")"
out=$(AGENTSH_SESSION_ID=envsid "$A" exec -- echo x 2>/dev/null); rc=$?
check "exec: AGENTSH_SESSION_ID" $([ "$(last "r['path']")" = /api/v1/sessions/envsid/exec ] && [ $rc -eq 0 ]; echo $?) "$(last "r['path']")"
AGENTSH_SESSION_ID=envsid "$A" exec envsid echo x >/dev/null 2>&1
check "exec: positional id equal to the env id is skipped" $([ "$(last "r['body']['command']")" = echo ]; echo $?) "$(last "r['body']")"
"$A" exec fail3 -- false >/dev/null 2>"$T/err"; rc=$?
check "exec: failing command" $([ $rc -eq 3 ] && [ "$(cat "$T/err")" = $'bad\nagentsh: command failed' ]; echo $?) "rc=$rc err=$(cat "$T/err")"
"$A" exec deny -- rm -rf / >"$T/out" 2>"$T/err"; rc=$?
check "exec: denial" $([ $rc -eq 126 ] && [ ! -s "$T/out" ] && [ "$(cat "$T/err")" = $'agentsh: command denied by policy (rule=no-rm)\nagentsh: hint: operation denied by policy; adjust policy or change command' ]; echo $?) "rc=$rc err=$(cat "$T/err")"
"$A" exec deny-noguidance -- rm -rf / >"$T/out" 2>"$T/err"; rc=$?
check "exec: denial without guidance" $([ $rc -eq 126 ] && [ "$(cat "$T/err")" = $'agentsh: command denied by policy (rule=no-rm)\nagentsh: hint: operation denied by policy; adjust policy or change command' ]; echo $?) "rc=$rc err=$(cat "$T/err")"
"$A" exec timeout -- sleep 99 >/dev/null 2>"$T/err"; rc=$?
check "exec: timeout 124" $([ $rc -eq 124 ] && [ "$(cat "$T/err")" = $'partial\ncommand timed out\nagentsh: command timed out\nagentsh: try: agentsh exec --timeout 2m ...' ]; echo $?) "rc=$rc err=$(cat "$T/err")"
"$A" exec notfound -- nosuch >/dev/null 2>"$T/err"; rc=$?
check "exec: not found 127" $([ $rc -eq 127 ] && [ "$(cat "$T/err")" = $'agentsh: command failed\nagentsh: hint: use an absolute executable path (or install the missing tool if allowed)' ]; echo $?) "rc=$rc err=$(cat "$T/err")"
"$A" exec binary -- x 2>/dev/null | od -An -tx1 | tr -d ' \n' >"$T/o"
check "exec: stdout bytes exact (NUL, emoji)" $([ "$(cat "$T/o")" = 610062f09f98800a ]; echo $?) "$(cat "$T/o")"

# ---- exec, JSON output: the server's body, indented like Go's MarshalIndent
"$A" exec --output json deny -- rm -rf / >"$T/out" 2>"$T/err"; rc=$?
"$PY" - "$T/out" <<'EOF' >"$T/cmp"
import json, sys
text = open(sys.argv[1]).read()
doc = json.loads(text)
want = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
print("same" if text == want and doc["result"]["exit_code"] == 126 else "differs:\n" + text)
EOF
check "exec --output json" $([ $rc -eq 126 ] && [ "$(cat "$T/cmp")" = same ] && [ ! -s "$T/err" ]; echo $?) "rc=$rc $(cat "$T/cmp")"
"$A" exec --output=json ok -- ls >"$T/out"; rc=$?
check "exec --output json: Go escaping of <&>" $(grep -q '"stdout": "hello \\u003c\\u0026\\u003e é\\n"' "$T/out" && [ "$(last "r['body']['include_events']")" = summary ]; echo $?) "$(cat "$T/out")"
"$A" exec --output yaml ok -- ls 2>"$T/err"; rc=$?
check "exec: invalid --output" $([ $rc -eq 1 ] && [ "$(cat "$T/err")" = 'invalid --output "yaml" (expected shell|json)' ]; echo $?) "rc=$rc $(cat "$T/err")"
"$A" exec --events most ok -- ls 2>"$T/err"; rc=$?
check "exec: invalid --events" $([ $rc -eq 1 ] && [ "$(cat "$T/err")" = 'invalid --events "most" (expected all|summary|blocked|none)' ]; echo $?) "rc=$rc $(cat "$T/err")"
"$A" exec 2>"$T/err"; rc=$?
check "exec: session id required" $([ $rc -eq 1 ] && grep -qx 'session id is required (provide as argument or set AGENTSH_SESSION_ID)' "$T/err"; echo $?) "rc=$rc $(cat "$T/err")"
"$A" exec ok -- 2>"$T/err"; rc=$?
check "exec: command required" $([ $rc -eq 1 ] && grep -qx 'command is required' "$T/err"; echo $?) "rc=$rc $(cat "$T/err")"

# ---- session auto-create on 404, and the errors
out=$("$A" exec --root /w missing -- ls 2>&1); rc=$?
check "exec: session auto-created" $([ "$out" = after-create ] && [ $rc -eq 0 ]; echo $?) "rc=$rc out=$out"
AGENTSH_NO_AUTO=1 "$A" exec nope -- ls 2>"$T/err"; rc=$?
check "exec: 404 without auto-create" $([ $rc -eq 1 ] && [ "$(cat "$T/err")" = 'POST /api/v1/sessions/nope/exec: 404 Not Found: {"error": "session not found"}' ]; echo $?) "rc=$rc $(cat "$T/err")"
echo nope >"$T/sidfile"
AGENTSH_NO_AUTO=1 "$A" exec --session-file "$T/sidfile" nope -- ls 2>"$T/err"; rc=$?
check "exec: stale --session-file removed" $([ $rc -eq 1 ] && [ ! -e "$T/sidfile" ] && grep -q 'no longer exists (cache invalidated)' "$T/err"; echo $?) "rc=$rc $(cat "$T/err")"
"$A" exec err500 -- ls 2>"$T/err"; rc=$?
check "exec: HTTP error" $([ $rc -eq 1 ] && [ "$(cat "$T/err")" = 'POST /api/v1/sessions/err500/exec: 500 Internal Server Error: {"error": "boom"}' ]; echo $?) "rc=$rc $(cat "$T/err")"
"$A" exec garbage -- ls 2>"$T/err"; rc=$?
check "exec: malformed answer" $([ $rc -eq 1 ] && grep -q '^decode exec response' "$T/err"; echo $?) "rc=$rc $(cat "$T/err")"
AGENTSH_SERVER=http://127.0.0.1:1 "$A" exec ok -- ls 2>"$T/err"; rc=$?
check "exec: server down (no auto-start off 18080)" $([ $rc -eq 1 ] && grep -q 'Connection refused' "$T/err"; echo $?) "rc=$rc $(cat "$T/err")"

# ---- transport and auth
AGENTSH_API_KEY=sk-test TRACEPARENT=00-abc "$A" exec ok -- ls >/dev/null 2>&1
check "X-API-Key and Traceparent" $([ "$(last "(r['headers'].get('X-API-Key'), r['headers'].get('Traceparent'))")" = "('sk-test', '00-abc')" ]; echo $?) "$(last "r['headers']")"
"$A" --api-key k2 exec ok -- ls >/dev/null 2>&1
check "--api-key before the verb" $([ "$(last "r['headers'].get('X-API-Key')")" = k2 ]; echo $?) "$(last "r['headers']")"
out=$("$A" --server "unix://$T/api.sock" exec ok -- ls 2>/dev/null); rc=$?
check "unix:// server" $([ "$out" = "hello <&> é" ] && [ "$(last "r['headers'].get('Host')")" = localhost ]; echo $?) "out=$out"

# ---- session create
(cd "$T" && "$A" session create --id s1 --policy strict --json >"$T/out" 2>"$T/err"); rc=$?
check "session create --json" $([ $rc -eq 0 ] && [ "$("$PY" -c "import json;d=json.load(open('$T/out'));print(d['id'],d['workspace'],d['policy'])")" = "s1 $T strict" ]; echo $?) "rc=$rc $(cat "$T/out" "$T/err")"
check "session create request" $([ "$(last "r['body']")" = "{'id': 's1', 'workspace': '$T', 'policy': 'strict', 'home': '$HOME'}" ]; echo $?) "$(last "r['body']")"
out=$("$A" session create --workspace /w 2>&1); rc=$?
check "session create (text)" $([ "$out" = "Session session-generated started" ] && [ "$(last "r['path']")" = /api/v1/sessions/session-generated/proxy ]; echo $?) "rc=$rc out=$out"
out=$("$A" session create --id with-proxy --workspace /w 2>&1)
want=$'Session with-proxy started\n  Proxy: http://127.0.0.1:9999\n  DLP: redact (aws, gh)\n\nExport for agent:\n  export ANTHROPIC_BASE_URL=http://127.0.0.1:9999\n  export OPENAI_BASE_URL=http://127.0.0.1:9999'
check "session create (text, proxy)" $([ "$out" = "$want" ]; echo $?) "out=$out"
"$A" session create --workspace /nonexistent 2>"$T/err"; rc=$?
check "session create error" $([ $rc -eq 1 ] && [ "$(cat "$T/err")" = 'POST /api/v1/sessions: 400 Bad Request: {"error": "workspace stat: no such file or directory"}' ]; echo $?) "rc=$rc $(cat "$T/err")"

# ---- JNI: everything else goes to io.agentsh.cli.Main inside this process
mkdir -p "$T/jsrc/t" "$T/jcls" "$T/jlib"
cat >"$T/jsrc/t/Main.java" <<'EOF'
package t;
public class Main {
  public static void main(String[] a) throws Exception {
    System.out.println("java:" + String.join("|", a));
    if (a.length > 1 && a[0].equals("exit")) System.exit(Integer.parseInt(a[1]));
    if (a.length > 0 && a[0].equals("throw")) throw new IllegalStateException("boom");
    if (a.length > 0 && a[0].equals("server")) Thread.sleep(3000);
    if (a.length > 0 && a[0].equals("enc")) System.out.println(System.getProperty("stdout.encoding") + " " + System.getProperty("sun.misc.unsafe.memory.access") + " " + Runtime.getRuntime().maxMemory());
    if (a.length > 0 && a[0].equals("props")) System.out.println(System.getProperty("sun.misc.unsafe.memory.access") + " " + (System.getProperty("agentsh.launcher") != null));
  }
}
EOF
if "$JDK/bin/javac" -d "$T/jcls" "$T/jsrc/t/Main.java" && "$JDK/bin/jar" cf "$T/jlib/t.jar" -C "$T/jcls" .; then
	export AGENTSH_JAVA_HOME=$JDK AGENTSH_LIB_DIR=$T/jlib AGENTSH_MAIN_CLASS=t.Main AGENTSH_JVM_OPTIONS=$T/none
	out=$("$A" exec --pty ok -- bash 2>&1); rc=$?
	check "JNI: exec --pty goes to the JVM" $([ "$out" = "java:exec|--pty|ok|--|bash" ] && [ $rc -eq 0 ]; echo $?) "rc=$rc out=$out"
	out=$("$A" policy --help 2>&1)
	check "JNI: other verbs go to the JVM" $([ "$out" = "java:policy|--help" ]; echo $?) "$out"
	out=$("$A" props 2>&1)
	check "JNI: default JVM options applied" $([ "$out" = $'java:props\nallow true' ]; echo $?) "$out"
	"$A" exit 7 >/dev/null 2>&1; rc=$?
	check "JNI: System.exit status" $([ $rc -eq 7 ]; echo $?) "rc=$rc"
	"$A" throw >/dev/null 2>"$T/err"; rc=$?
	check "JNI: uncaught exception exits 1" $([ $rc -eq 1 ] && grep -q 'IllegalStateException: boom' "$T/err"; echo $?) "rc=$rc"
	out=$("$A" 'é😀' $'\xff' 2>&1)
	check "JNI: arguments as Java strings" $([ "$out" = "java:é😀|�" ]; echo $?) "$out"
	printf '# options\n-Xmx64m\n-Djava.class.path=%s/*\n-Dsun.misc.unsafe.memory.access=warn\n' "$T/jlib" >"$T/jvm.options"
	out=$(env -u AGENTSH_LIB_DIR AGENTSH_JVM_OPTIONS="$T/jvm.options" "$A" props 2>&1)
	check "JNI: options file with a class path wildcard" $([ "$out" = $'java:props\nwarn true' ]; echo $?) "$out"
	out=$(LANG=C LC_ALL=C AGENTSH_JVM_OPTIONS=$HERE/src/jvm.options "$A" enc 2>&1)
	check "JNI: the shipped jvm.options" $([[ $out == $'java:enc\nUTF-8 allow '* ]]; echo $?) "$out"
	"$A" server --config x >/dev/null 2>&1 &
	p=$!
	sleep 1
	comm=$(cat /proc/$p/comm 2>/dev/null)
	cmd=$(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null)
	wait $p
	check "JNI: the daemon is 'agentsh server' in ps" $([ "$comm" = agentsh ] && [ "$cmd" = "$A server --config x " ]; echo $?) "comm=$comm cmd=$cmd"
	AGENTSH_JAVA_HOME=$T/nojdk "$A" policy 2>"$T/err"; rc=$?
	check "JNI: missing runtime is a clear error" $([ $rc -eq 1 ] && grep -q 'cannot load the Java runtime' "$T/err"; echo $?) "rc=$rc $(cat "$T/err")"
	unset AGENTSH_MAIN_CLASS AGENTSH_LIB_DIR AGENTSH_JVM_OPTIONS
else
	fail "JNI: build the test class" "javac failed"
fi

# ---- JNI with the real CLI, when the cli module has been packaged (mvn -pl cli -am package)
CLI=$HERE/../cli/target
if [ -f "$CLI/classes/io/agentsh/cli/Main.class" ] && ls "$CLI"/*.jar >/dev/null 2>&1; then
	out=$(AGENTSH_JAVA_HOME=$JDK AGENTSH_LIB_DIR="$CLI:$CLI/lib" "$A" --help 2>&1); rc=$?
	check "JNI: real io.agentsh.cli.Main --help" $([ $rc -eq 0 ] && [[ $out == "Usage: agentsh"* ]]; echo $?) "rc=$rc out=$out"
	out=$(AGENTSH_JAVA_HOME=$JDK AGENTSH_LIB_DIR="$CLI:$CLI/lib" "$A" policy --help 2>&1); rc=$?
	check "JNI: real io.agentsh.cli.Main policy --help" $([ $rc -eq 0 ] && [[ $out == "Usage: agentsh policy"* ]]; echo $?) "rc=$rc out=$out"
else
	echo "SKIP frontend: real io.agentsh.cli.Main (cli/target has no Main.class and jar yet)"
fi
exit $((fails > 0))
