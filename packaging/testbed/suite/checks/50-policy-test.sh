# policy-test: the policy issue's acceptance list, asked of the installed agentsh with the
# testbed's policy (compat/exe.dev/default.yaml plus the stand-in rule, which touches none of
# these answers).
category policy-test

# pt NAME OP PATH DECISION RULE [ARGS] -- one check per line of the acceptance list.
# DECISION is matched against policy_decision (what the rule says); RULE against rule.
pt() {
  local name=$1 op=$2 path=$3 want_dec=$4 want_rule=$5 args=${6:-}
  eval "t_pt_$name() {
    if [ -n '$args' ]; then run_cmd 60 agentsh policy-test --json --op '$op' --path '$path' --args '$args'
    else run_cmd 60 agentsh policy-test --json --op '$op' --path '$path'; fi
    [ \"\$RC\" = 0 ] || { why \"exit \$RC: \${ERR:0:200}\"; return 1; }
    BODY=\$OUT
    local dec rule
    dec=\$(json \"d.get('policy_decision')\"); rule=\$(json \"d.get('rule')\")
    [ \"\$dec\" = '$want_dec' ] || { why \"policy_decision \$dec, expected $want_dec (\${OUT//\$'\\n'/ })\"; return 1; }
    [ '$want_rule' = '*' ] || [ \"\$rule\" = '$want_rule' ] || why \"rule \$rule, expected $want_rule\"
  }"
  check "policy-test-$name" "t_pt_$name"
}

pt exec-sudo          exec    sudo                       deny        block-shell-escape
pt exec-echo          exec    echo                       allow       allow-safe-commands
pt write-workspace    write   /workspace/test.txt        allow       allow-workspace-write
pt read-workspace     read    /workspace/test.txt        allow       allow-workspace-read
pt write-tmp          write   /tmp/test.txt              allow       allow-tmp
pt delete-workspace   delete  /workspace/test.txt        soft_delete soft-delete-workspace
pt read-ssh-key       read    /root/.ssh/id_rsa          approve     approve-ssh-access
pt read-aws-creds     read    /root/.aws/credentials     approve     approve-aws-credentials
pt write-usr-bin      write   /usr/bin/evil              deny        '*'
pt write-etc          write   /etc/test.txt              deny        '*'
pt exec-rm-rf         exec    rm                         deny        block-rm-recursive '-rf /tmp/x'
pt exec-ssh           exec    ssh                        deny        block-network-tools
pt connect-metadata   connect 169.254.169.254:80         deny        '*'
pt connect-evil       connect evil.com:443               deny        block-evil-domains
pt connect-registry   connect registry.npm.example:443   allow       allow-npm

t_pt_effective_approve_denies() {
  # approvals are disabled in the exe.dev config: the effective decision of an approve rule is deny.
  run_cmd 60 agentsh policy-test --json --op read --path /root/.ssh/id_rsa
  BODY=$OUT
  [ "$(json "d.get('decision')")" = deny ] || why "decision $(json "d.get('decision')"), expected deny (approvals disabled)"
}
check policy-test-approve-fails-closed t_pt_effective_approve_denies
