#!/usr/bin/env bash
# Runs Stentor's JMH benchmarks (src/test/java/io/stentor/bench); every argument goes to JMH.
#   bench/jmh.sh -l                                              list the benchmarks
#   bench/jmh.sh OpusCodecBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s  a quick run
#   bench/jmh.sh OpusCodecBenchmark -prof gc                     with garbage per operation
# Uses $JAVA_HOME/bin/java when JAVA_HOME is set (Java 21 or newer), else java on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

# JMH's annotation processor (a test dependency, named in the pom) writes the benchmark list during
# test-compile. An incremental compile of classes built without it leaves no list: rebuild once.
benchmark_list=target/test-classes/META-INF/BenchmarkList
./mvnw -q -B test-compile
if [[ ! -f "$benchmark_list" ]]; then
  rm -rf target/test-classes
  ./mvnw -q -B test-compile
fi
if [[ ! -f "$benchmark_list" ]]; then
  echo "$benchmark_list is missing: the JMH annotation processor did not run" >&2
  exit 1
fi
classpath_file=target/jmh-classpath.txt
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file"

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" --enable-native-access=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat "$classpath_file")" org.openjdk.jmh.Main "$@"
