# Sourced by every script: find a Java 25 JDK and export JAVA_HOME for it.
# The machines carry Temurin 25 beside the default Java 17; Maven must build with 25.
agentsh_find_jdk25() {
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/*25*; do
    [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
    if "$c/bin/java" -version 2>&1 | grep -qE 'version "25'; then echo "$c"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME=$(agentsh_find_jdk25); then
  echo "agentsh: no Java 25 JDK found under /usr/lib/jvm (install temurin-25-jdk)" >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
