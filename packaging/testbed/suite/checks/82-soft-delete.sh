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

# sandbox.fuse.enabled: shim commands run in the session's mount namespace, with the FUSE view
# bound over the workspace (/root); GNU stat names FUSE "fuseblk".
t_workspace_is_fuse() {
  run_started 30 "stat -f -c %T /root" || return 1
  local fstype=${OUT#__suite_started__$'\n'}
  [ "${fstype%%$'\n'*}" = fuseblk ] || { why "the workspace is not the FUSE view inside the command: '${OUT:0:120}' (rc=$RC ${ERR:0:120})"; return 1; }
}
check workspace-is-fuse t_workspace_is_fuse
