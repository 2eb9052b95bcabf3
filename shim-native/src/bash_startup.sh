# agentsh: sourced by every non-interactive bash of a governed session (BASH_ENV, set through
# sandbox.env_inject). Installed at /usr/lib/agentsh/bash_startup.sh.
#
# It disables the builtins that would bypass enforcement, so the names fall through to the
# programs on PATH, whose execve the policy governs:
#   kill     signals go through /bin/kill (and the kernel signal filter)
#   ulimit   no raising of the limits the session set
#   umask    no loosening of the creation mask
#   builtin  "builtin kill" cannot reach the disabled builtin
#   command  "command kill" likewise
#   enable   last: nothing can re-enable the others ("enable kill", "enable -f lib kill")
# A disabled builtin can only be turned back on with `enable`, which is itself disabled, so no
# function, alias, `unset -f`, `\kill`, `builtin` or `command` trick brings them back in this
# shell; a child bash sources this file again.
#
# The caller's environment can carry exported functions (BASH_FUNC_enable%%=...) that shadow
# the very builtins used below. POSIX mode looks special builtins (unset) up before functions,
# and assigning POSIXLY_CORRECT turns POSIX mode on without running any command, so the
# shadowing functions are removed first, then the builtins disabled. Only keywords, special
# builtins and assignments run before that. The daemon also drops
# BASH_FUNC_* from the environment of governed commands; this is the second line.
case :${SHELLOPTS-}: in *:posix:*) __agentsh_was_posix=1 ;; *) __agentsh_was_posix= ;; esac
POSIXLY_CORRECT=1
unset -f enable builtin command kill ulimit umask unset
enable -n kill ulimit umask builtin command 2>/dev/null
enable -n enable
case $__agentsh_was_posix in 1) ;; *) unset POSIXLY_CORRECT ;; esac
unset __agentsh_was_posix
