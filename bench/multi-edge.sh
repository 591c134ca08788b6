#!/usr/bin/env bash
# One origin and several edges on this machine (NATS and PostgreSQL on 127.0.0.1), a speaker on the
# origin, and one `stentor loadtest` spreading listeners over the edges; prints each edge's figures,
# their sums, and the origin's CPU over the same run.
#   bench/multi-edge.sh EDGES LISTENERS TIER [HOLD]      e.g. bench/multi-edge.sh 2 4000 ws 10
# TIER: ws, ogg or hls (listeners go straight to the edges, round-robin); JOIN=1 instead joins every
# listener through the origin's POST /join, which places it on an edge (ws or ogg). ARRIVAL=500/s by default.
# Needs: nats-server on 127.0.0.1:4222, PostgreSQL on 127.0.0.1:5432 (user postgres), psql, curl, jq.
# Everything stays on loopback; every process it starts is stopped by its PID at the end.
set -euo pipefail
EDGES=${1:-2}; LISTENERS=${2:-2000}; TIER=${3:-ws}; HOLD=${4:-10}; ARRIVAL=${ARRIVAL:-500}
NATS=${NATS:-nats://127.0.0.1:4222}; PG=${PG:-postgresql://postgres@127.0.0.1:5432}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for tool in psql curl jq; do command -v "$tool" >/dev/null || { echo "multi-edge: missing $tool" >&2; exit 1; }; done
"$here/stentor" --help >/dev/null # builds target/stentor.jar if needed
. "$here/bin/find-java.sh"; stentor_find_java; JAVA="$STENTOR_JAVA_HOME/bin/java"; JAR="$here/target/stentor.jar"
WORK=$(mktemp -d /tmp/stentor-multi-edge.XXXXXX)
RUN=$(printf '%08x' $RANDOM$RANDOM); DB="stentor_bench_$RUN"
psql "$PG/postgres" -qc "CREATE DATABASE $DB" >/dev/null
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
node() { # role port
  "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx2g -jar "$JAR" serve --role "$1" --nats "$NATS" \
    --cluster-subject-prefix "bench_$RUN" --db-url "jdbc:postgresql://${PG#*@}/$DB?user=postgres" \
    --http-host 127.0.0.1 --http-port "$2" --data-dir "$WORK/data-$2" \
    --admission-per-second 1000000 --admission-max-listeners 10000000 --admission-max-websocket-listeners 10000000 \
    --overload-lag-constrained 10m --overload-lag-critical 10m --overload-cpu-constrained-percent 101 \
    > "$WORK/node-$2.log" 2>&1 &
  pids+=("$!")
}
up() { for _ in $(seq 120); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "multi-edge: node on $1 did not start (see $WORK/node-$1.log)" >&2; exit 1; }

node origin 18300; ORIGIN_PID=${pids[-1]}; up 18300
servers=(); edge_pids=()
for i in $(seq 1 "$EDGES"); do node edge $((18300 + i)); edge_pids+=("${pids[-1]}"); servers+=("http://127.0.0.1:$((18300 + i))"); done
for i in $(seq 1 "$EDGES"); do up $((18300 + i)); done
B=http://127.0.0.1:18300
. "$here/bench/space.sh"
bench_space "$B" Benchmark
sleep 2
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
before=$(cpu "$ORIGIN_PID"); t0=$(date +%s.%N)
IFS=,
target=(--server "${servers[*]}"); [ "${JOIN:-0}" = 1 ] && target=(--join --server "$B")
"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" loadtest "${target[@]}" --origin "$B" --space "$SPACE" \
  --tier "$TIER" --listeners "$LISTENERS" --arrival-rate "$ARRIVAL" --warmup 3 --hold "$HOLD" \
  --speak-token "$TOKEN" --server-pid "${edge_pids[*]}" --json "$WORK/report.json"
unset IFS
after=$(cpu "$ORIGIN_PID"); t1=$(date +%s.%N)
echo "origin     $(echo "($after - $before) / 100 / ($t1 - $t0)" | bc -l | xargs printf '%.2f') cores over the whole run (mixing, publishing once per edge)"
echo "machine    $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(lscpu | sed -n 's/^Model name: *//p'); $(date -u +%F)"
echo "report     $WORK/report.json"
