# ptrace fallback and cgroup limits.
category "ptrace & cgroups"

t_pids_limit() {
  # resource_limits.pids_max: 100 in the exe.dev policy: a fork bomb stops at the limit.
  run_started 60 'python3 -c "
import os, sys
n = 0
try:
    for _ in range(300):
        if os.fork() == 0:
            import time; time.sleep(5); os._exit(0)
        n += 1
except OSError:
    pass
print(n)"' || return 1
  local n=${OUT%%$'\n'*}
  [[ $n =~ ^[0-9]+$ ]] || { why "no count: ${OUT:0:80} ${ERR:0:120}"; return 1; }
  [ "$n" -le 100 ] || why "forked $n processes, pids_max is 100"
}
check cgroup-pids-limit t_pids_limit
