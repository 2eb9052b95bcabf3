# The end-to-end security suite, run inside the testbed VM after the .deb, the daemon and the
# shim are in place:   $TESTBED_BASH /opt/agentsh-testbed/suite/run.sh [FILTER]
# Each check prints `PASS name`, `FAIL name (why)` or `PENDING name (issue N: what)`. A check
# named in pending.list that fails is PENDING (the layer it needs is not built yet); one that
# passes is PASS. Pending checks are never counted as passed. The last line is exactly
# `N passed, N failed`; the exit code is 0 only when nothing failed.
SUITE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$SUITE_DIR/lib.sh"
filter=${1:-}

declare -A PENDING_ISSUE PENDING_WHAT
while read -r name issue what; do
  [[ -z $name || $name == \#* ]] && continue
  PENDING_ISSUE[$name]=$issue; PENDING_WHAT[$name]=$what
done <"$SUITE_DIR/pending.list"

passed=0 failed=0 pending=()
category() { printf '\n-- %s\n' "$1"; }
check() {
  local name=$1 fn=$2 t0 ms reason
  [ -n "$filter" ] && [[ $name != *$filter* ]] && return 0
  rm -f "$SUITE_TMP/why"
  t0=$(date +%s%N)
  ( set +e; "$fn" ) >"$SUITE_TMP/check.log" 2>&1
  local rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  reason=$(cat "$SUITE_TMP/why" 2>/dev/null)
  [ -n "$reason" ] || reason="exit $rc: $(tail -c 200 "$SUITE_TMP/check.log" | tr '\n' ' ')"
  if [ $rc = 0 ]; then
    passed=$((passed + 1))
    if [ -n "${PENDING_ISSUE[$name]:-}" ]; then
      echo "PASS $name [${ms}ms] (listed pending for issue ${PENDING_ISSUE[$name]}: take it off pending.list)"
    else
      echo "PASS $name [${ms}ms]"
    fi
  elif [ -n "${PENDING_ISSUE[$name]:-}" ]; then
    echo "PENDING $name (issue ${PENDING_ISSUE[$name]}: ${PENDING_WHAT[$name]}) [now: ${reason:0:160}]"
    pending+=("$name (issue ${PENDING_ISSUE[$name]})")
  else
    failed=$((failed + 1))
    echo "FAIL $name ($reason)"
  fi
}

for f in "$SUITE_DIR"/checks/*.sh; do
  # shellcheck source=/dev/null
  source "$f"
done

echo
echo "pending: ${#pending[@]}${pending:+ — $(IFS=';'; echo "${pending[*]}" | sed 's/;/; /g')}"
rm -rf "$SUITE_TMP"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
