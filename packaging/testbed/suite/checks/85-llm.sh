# The embedded LLM proxy: sessions get its base URLs and can reach it.
category "llm proxy"

t_llm_base_url() {
  run_started 30 'echo "url=$ANTHROPIC_BASE_URL"; curl -s -m 5 -o /dev/null -w "code=%{http_code}\n" -X POST -H "Content-Type: application/json" -d "{}" "$ANTHROPIC_BASE_URL/v1/messages"' || return 1
  [[ $OUT == *"url=http://"* ]] || { why "ANTHROPIC_BASE_URL not set in the session: ${OUT:0:120}"; return 1; }
  # Any HTTP answer proves the proxy was reached (the upstream itself is not reachable in the VM).
  [[ $OUT == *code=[1-5]* ]] || why "the LLM proxy did not answer: ${OUT:0:160} ${ERR:0:120}"
}
check llm-proxy-reachable-from-session t_llm_base_url
