# Shared by the bench scripts: how to start the daemon from this tree with packaging/jvm.options.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/jdk.sh"

# The same options file the native front end reads (installed as /usr/lib/agentsh/jvm.options),
# minus its class path line (we run from the build tree).
jvm_flags() { grep -v '^\s*#' "$ROOT/shim-native/src/jvm.options" | grep -v '^\s*$' | grep -v '^-Djava.class.path=' | tr '\n' ' '; }

# The agentsh entry point in this tree: io.agentsh.cli.Main once the root command is merged, else
# the development root of the daemon verbs (cli test classes).
agentsh_java_cmd() {
  local cp="$ROOT/cli/target/classes:$ROOT/core/target/classes:$ROOT/policy/target/classes:$ROOT/proxy/target/classes:$ROOT/cli/target/lib/*"
  local main=io.agentsh.cli.Main
  if [ ! -f "$ROOT/cli/target/classes/io/agentsh/cli/Main.class" ]; then
    cp="$ROOT/cli/target/test-classes:$cp"; main=io.agentsh.cli.client.DevMain
  fi
  echo "$JAVA_HOME/bin/java $(jvm_flags) -cp $cp $main"
}

# pct FILE P: the P-th percentile (nearest rank) of the numbers in FILE (one per line).
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int((p/100)*NR+0.999); if(i<1)i=1; if(i>NR)i=NR; print a[i]}'; }

# seccomp_only_config OUT: the testbed's exe.dev config with ptrace off and seccomp's execve on
# (every trapped syscall by seccomp user notification), written to OUT.
seccomp_only_config() {
  mkdir -p "$(dirname "$1")"
  python3 - "$ROOT/packaging/testbed/compat/exe.dev/config.yaml" "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
t, a = re.subn(r'(\n  ptrace:\n    enabled:) true', r'\1 false', t)
t, b = re.subn(r'(\n    execve:\n      enabled:) false[^\n]*', r'\1 true', t)
if (a, b) != (1, 1): sys.exit("bench: the testbed config's ptrace/seccomp.execve keys moved")
open(sys.argv[2], "w").write(t)
PY
}
