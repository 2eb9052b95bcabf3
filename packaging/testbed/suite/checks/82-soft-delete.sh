# Soft delete: a delete in the workspace goes to the trash and can be restored.
category "soft delete"

t_soft_delete_restore() {
  local f=/root/suite-trash-me.txt
  head -c 65536 /dev/urandom >"$f.orig" && cp "$f.orig" "$f"
  run_started 30 "rm $f" || return 1
  [ ! -e "$f" ] || { why "rm did not remove $f (rc=$RC ${ERR:0:120})"; return 1; }
  run_cmd 30 agentsh trash list
  [[ $OUT == *suite-trash-me.txt* ]] || { why "trash list does not show the file: ${OUT:0:200}"; return 1; }
  local token
  token=$(grep -o 'trash token [^;]*' <<<"$ERR" | awk '{print $3}')
  [ -n "$token" ] || token=$(agentsh trash list 2>/dev/null | awk '/suite-trash-me/ {print $1; exit}')
  run_cmd 30 agentsh trash restore "$token"
  cmp -s "$f" "$f.orig" || { rm -f "$f.orig"; why "restore did not bring the file back byte-identical (rc=$RC ${ERR:0:120})"; return 1; }
  rm -f "$f.orig"
}
check soft-delete-and-restore t_soft_delete_restore
