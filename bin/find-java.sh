# Sourced by ./stentor and .ci/run: sets STENTOR_JAVA_HOME to a JDK 21 or newer.
# Looks at JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*; prints one clear line if none.

stentor_java_version() { # prints the feature version of the java binary $1 (e.g. 21), or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n1
}

stentor_find_java() {
  local candidates=() c v home
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(readlink -f "$(command -v java)")")
  for c in $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -x "$c" ] || continue
    v=$(stentor_java_version "$c")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then
      home=$(cd "$(dirname "$c")/.." && pwd)
      # A JRE cannot build: require javac beside java.
      if [ -x "$home/bin/javac" ]; then STENTOR_JAVA_HOME="$home"; return 0; fi
    fi
  done
  echo "stentor: no JDK 21 or newer found (looked at JAVA_HOME, java on PATH and /usr/lib/jvm); install one, e.g. 'apt-get install openjdk-21-jdk', or set JAVA_HOME." >&2
  return 1
}
