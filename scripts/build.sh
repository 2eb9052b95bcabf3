#!/usr/bin/env bash
# Builds dist/agentsh_<version>_amd64.deb: the jars, a jlink'd Java runtime (so the target needs no
# JDK), the native front end, shell shim and exec wrapper, default config and policy, a systemd
# unit and maintainer scripts that never touch /bin/sh or /bin/bash. Then runs lintian.
#
#   scripts/build.sh [--skip-tests] [--no-maven] [--no-lintian]
#
#   --skip-tests  build the jars without running the unit tests
#   --no-maven    package what is already in cli/target and shim-native/target
#                 (used by `mvn -Pdeb package`, which has just built them)
#   --no-lintian  skip lintian
#
# Every artifact the package carries must exist: a missing one fails the build with its name and
# who builds it (there are no placeholder binaries).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

skip_tests=0 maven=1 lint=1
for a in "$@"; do
  case "$a" in
    --skip-tests) skip_tests=1 ;;
    --no-maven) maven=0 ;;
    --no-lintian) lint=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

source scripts/jdk.sh
VERSION=$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
[ -n "$VERSION" ] || { echo "build.sh: cannot read the version from pom.xml" >&2; exit 1; }
DEB_NAME="agentsh_${VERSION}_amd64"
step() { printf '\n== build: %s\n' "$*"; }

if [ $maven = 1 ]; then
  step "maven package (cli, shim-native and their modules)"
  mvn_args=(-B -ntp -pl cli,shim-native -am package)
  [ $skip_tests = 0 ] || mvn_args+=(-DskipTests)
  mvn "${mvn_args[@]}"
fi

step "checking artifacts"
# AGENTSH_NATIVE_DIR: where the native programs are, when they were built outside this tree.
NATIVE=${AGENTSH_NATIVE_DIR:-shim-native/target/bin}
CLI_JAR=cli/target/agentsh-cli-$VERSION.jar
NATIVE_LIB=${AGENTSH_NATIVE_LIB_DIR:-$NATIVE/../lib}
missing=()
[ -f "$CLI_JAR" ] || missing+=("$CLI_JAR (the CLI jar: mvn -pl cli -am package)")
[ -d cli/target/lib ] || missing+=("cli/target/lib (the CLI's runtime class path: mvn -pl cli -am package)")
[ -x "$NATIVE/agentsh" ] || missing+=("$NATIVE/agentsh (native front end, JNI launcher: shim-native)")
[ -x "$NATIVE/agentsh-shell-shim" ] || missing+=("$NATIVE/agentsh-shell-shim (static shell shim: shim-native)")
[ -f "$NATIVE_LIB/bash_startup.sh" ] || missing+=("$NATIVE_LIB/bash_startup.sh (BASH_ENV file: shim-native)")
[ -f "$NATIVE_LIB/jvm.options" ] || missing+=("$NATIVE_LIB/jvm.options (the front end's JVM options: shim-native)")
# The exec wrapper comes with kernel enforcement (issue 8). Once its source is in shim-native it
# is required like the rest; until then the package has no wrapper and says so.
exec_wrapper=""
if [ -f shim-native/src/agentsh-exec-wrapper.c ] || [ -n "${AGENTSH_NATIVE_DIR:-}" ]; then
  if [ -x "$NATIVE/agentsh-exec-wrapper" ]; then exec_wrapper=$NATIVE/agentsh-exec-wrapper
  else missing+=("$NATIVE/agentsh-exec-wrapper (exec wrapper: shim-native, kernel engineer)"); fi
else
  echo "build.sh: NOTE: no exec wrapper yet (shim-native/src/agentsh-exec-wrapper.c, issue 8): the package ships without /usr/lib/agentsh/agentsh-exec-wrapper" >&2
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "build.sh: cannot build the .deb, required artifacts are missing:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
if file -b "$NATIVE/agentsh-shell-shim" | grep -q 'dynamically linked'; then
  echo "build.sh: $NATIVE/agentsh-shell-shim must be statically linked (it replaces /bin/sh)" >&2
  exit 1
fi

OUT=packaging/target/deb
STAGE=$OUT/$DEB_NAME
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/usr/bin" "$STAGE/usr/lib/agentsh/lib" "$STAGE/etc/agentsh/policies" \
  "$STAGE/lib/systemd/system" "$STAGE/usr/share/doc/agentsh" "$STAGE/usr/share/man/man1" \
  "$STAGE/usr/share/lintian/overrides" "$STAGE/var/lib/agentsh"

step "jars"
install -m 0644 "$CLI_JAR" "$STAGE/usr/lib/agentsh/lib/"
# Native-library jars for other systems and CPUs (netty-all's macOS, Windows, arm64, riscv64
# classifiers) are dead weight in an amd64 package.
for j in cli/target/lib/*.jar; do
  case "$(basename "$j")" in
    *-osx-*|*-windows-*|*-linux-aarch_64*|*-linux-riscv64*|*macos*) continue ;;
    netty-all-*) continue ;;  # an empty aggregator jar: its modules are the netty-* jars beside it
  esac
  install -m 0644 "$j" "$STAGE/usr/lib/agentsh/lib/"
done
JARS=("$STAGE"/usr/lib/agentsh/lib/*.jar)
echo "${#JARS[@]} jars"

step "java runtime (jlink)"
# jdeps over every class the package ships. The jars are unpacked into one tree first: run on
# the jars themselves, jdeps treats those with a module-info as named modules and stops at the
# first optional `requires` it cannot find (netty-codec-xml -> aalto). Cached per jar set.
# Added: jdk.unsupported (JNR and Netty reach sun.misc.Unsafe reflectively) and jdk.crypto.ec.
# Dropped: java.desktop (only Jackson's optional java.beans lookups; its AWT libraries would
# drag X11 into the dependencies) and jdk.sctp (Netty's SCTP transport, unused).
jarset_key=$(cd "$STAGE/usr/lib/agentsh/lib" && ls -l --time-style=+%s *.jar | awk '{print $5, $6, $7}' | sha256sum | cut -c1-16)
modules_file=packaging/target/runtime-cache/modules-$jarset_key
if [ ! -s "$modules_file" ]; then
  scan=$(mktemp -d)
  for j in "${JARS[@]}"; do unzip -qo "$j" -x 'META-INF/*' '*module-info.class' -d "$scan" 2>/dev/null || true; done
  mkdir -p "$(dirname "$modules_file")"
  jdeps --ignore-missing-deps --print-module-deps "$scan" >"$modules_file.tmp"
  rm -rf "$scan"
  mv "$modules_file.tmp" "$modules_file"
fi
modules=$(tr ',' '\n' <"$modules_file" | grep -vxE 'java.desktop|jdk.sctp' | cat - <(printf '%s\n' jdk.unsupported jdk.crypto.ec) | sort -u | paste -sd, -)
echo "modules: $modules"
jdk_id=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.runtime.version = //p')
cache=packaging/target/runtime-cache/$(printf '%s %s' "$jdk_id" "$modules" | sha256sum | cut -c1-16)
if [ ! -x "$cache/bin/java" ]; then
  rm -rf "$cache"; mkdir -p "$(dirname "$cache")"
  # --generate-cds-archive: the default class-data archive shortens every JVM start.
  jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-6 --generate-cds-archive --output "$cache"
  # Native symbols are not needed at run time (Debian strips its own OpenJDK the same way).
  find "$cache" -type f \( -name "*.so" -o -path "*/bin/*" -o -name jspawnhelper \) -exec strip --strip-unneeded --remove-section=.comment {} +
  rm -f "$cache/lib/jexec"            # runs jars through binfmt_misc; never used here
  chmod -R u+w,go-w,a+rX "$cache"     # jlink writes the legal files 0444
else
  echo "(cached: $cache)"
fi
cp -a "$cache" "$STAGE/usr/lib/agentsh/runtime"
# The bundled `java` launcher is not how agentsh starts (the front end loads libjvm.so through
# JNI); keep only what the JVM needs. jlink's release file stays (it names the modules).
find "$STAGE/usr/lib/agentsh/runtime/bin" -type f ! -name java -delete

step "native programs and scripts"
install -m 0755 "$NATIVE/agentsh" "$STAGE/usr/bin/agentsh"
install -m 0755 "$NATIVE/agentsh-shell-shim" "$STAGE/usr/bin/agentsh-shell-shim"
[ -z "$exec_wrapper" ] || install -m 0755 "$exec_wrapper" "$STAGE/usr/lib/agentsh/agentsh-exec-wrapper"
install -m 0644 "$NATIVE_LIB/bash_startup.sh" "$STAGE/usr/lib/agentsh/bash_startup.sh"
# One JVM option per line, read by /usr/bin/agentsh before JNI_CreateJavaVM (the front end
# expands the class path's lib/* itself).
install -m 0644 "$NATIVE_LIB/jvm.options" "$STAGE/usr/lib/agentsh/jvm.options"
for b in "$STAGE/usr/bin/agentsh" "$STAGE/usr/bin/agentsh-shell-shim" ${exec_wrapper:+"$STAGE/usr/lib/agentsh/agentsh-exec-wrapper"}; do
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$b"
done

step "config, unit, docs"
install -m 0644 packaging/deb/etc/agentsh/config.yaml "$STAGE/etc/agentsh/config.yaml"
install -m 0644 packaging/deb/etc/agentsh/policies/default.yaml "$STAGE/etc/agentsh/policies/default.yaml"
install -m 0644 packaging/deb/agentsh.service "$STAGE/lib/systemd/system/agentsh.service"
install -m 0644 packaging/deb/copyright "$STAGE/usr/share/doc/agentsh/copyright"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")/" \
  packaging/deb/changelog | gzip -9n >"$STAGE/usr/share/doc/agentsh/changelog.gz"
for m in packaging/deb/man/*.1; do gzip -9n <"$m" >"$STAGE/usr/share/man/man1/$(basename "$m").gz"; done
install -m 0644 packaging/deb/lintian-overrides "$STAGE/usr/share/lintian/overrides/agentsh"
chmod 0644 "$STAGE"/usr/share/man/man1/*.gz "$STAGE/usr/share/doc/agentsh/changelog.gz"

step "dependencies (dpkg-shlibdeps)"
elves=()
while IFS= read -r -d '' f; do
  if file -b "$f" | grep -q 'ELF.*dynamically linked'; then elves+=("$f"); fi
done < <(find "$STAGE/usr" -type f \( -perm -u+x -o -name '*.so' \) -print0)
# dpkg-shlibdeps wants a debian/control to exist; give it a scratch one.
shl=$REPO/$OUT/shlibdeps; rm -rf "$shl"; mkdir -p "$shl/debian"
printf 'Source: agentsh\n\nPackage: agentsh\nArchitecture: amd64\n' >"$shl/debian/control"
abs=(); for f in "${elves[@]}"; do abs+=("$REPO/$f"); done
# The runtime's own libraries find each other through $ORIGIN; -l lets shlibdeps see them too.
shlibs=$(cd "$shl" && dpkg-shlibdeps -O -l"$REPO/$STAGE/usr/lib/agentsh/runtime/lib" \
  -l"$REPO/$STAGE/usr/lib/agentsh/runtime/lib/server" "${abs[@]}" 2>"$shl/warnings" | sed -n 's/^shlibs:Depends=//p')
# Warnings about the JDK's own libraries (unversioned sonames, extra DT_NEEDED) are not ours.
grep -vE "no dependency information found|can't extract name and version|could avoid a useless dependency" "$shl/warnings" >&2 || true
extra=$(grep -v '^#' packaging/deb/depends | grep . | paste -sd, - | sed 's/,/, /g' || true)
DEPENDS=$shlibs${extra:+, $extra}
echo "Depends: $DEPENDS"

step "control files"
installed_kb=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@INSTALLED_SIZE@/$installed_kb/" -e "s/@DEPENDS@/$DEPENDS/" \
  packaging/deb/control.in >"$STAGE/DEBIAN/control"
install -m 0644 packaging/deb/conffiles "$STAGE/DEBIAN/conffiles"
install -m 0755 packaging/deb/maintainer/postinst packaging/deb/maintainer/prerm packaging/deb/maintainer/postrm "$STAGE/DEBIAN/"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) >"$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/md5sums"
find "$STAGE" -type d -exec chmod 0755 {} +

step "dpkg-deb"
mkdir -p dist
rm -f "dist/$DEB_NAME.deb"
# gzip: xz took over 3 minutes on a busy 2-core machine for 8% less size; every dpkg reads gzip.
dpkg-deb --root-owner-group -Zgzip -z6 --build "$STAGE" "dist/$DEB_NAME.deb"
ls -l "dist/$DEB_NAME.deb"

if [ $lint = 1 ]; then
  step "lintian"
  # Errors fail the build; every warning is either fixed or overridden with a reason in
  # packaging/deb/lintian-overrides.
  lintian --fail-on error --display-info --tag-display-limit 0 "dist/$DEB_NAME.deb" | tee "$OUT/lintian.txt" || {
    echo "build.sh: lintian reported errors (see above)" >&2; exit 1; }
  [ -s "$OUT/lintian.txt" ] || echo "lintian: clean"
fi
echo "built dist/$DEB_NAME.deb"
