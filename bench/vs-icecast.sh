#!/usr/bin/env bash
# Stentor against Icecast 2 on this machine, same stream, same load generator, same run.
#
#   bench/vs-icecast.sh [LEVELS] [HOLD_SECONDS]
#   bench/vs-icecast.sh 500,1000,2000 10
#
# Starts (on loopback only, and stops again) Icecast 2 and Stentor, feeds both the same 32 kbit/s
# 20 ms Opus stream, and at each listener count runs `stentor loadtest` against, in turn:
#   icecast-1s    Icecast, source sending 1 s Ogg pages   (one write per listener per second)
#   icecast-20ms  Icecast, source sending 20 ms Ogg pages (50 writes per listener per second)
#   stentor-ogg   Stentor's Icecast-compatible Ogg tier (a page every media.ogg-page-frames x 20 ms)
#   stentor-ws    Stentor's WebSocket tier (a frame every 20 ms, coalesced under load)
# and prints one table. Installs nothing: it says what is missing. Raw JSON reports stay in $WORK.
set -euo pipefail
cd "$(dirname "$0")/.."
LEVELS="${1:-500,1000,2000}"
HOLD="${2:-10}"
ARRIVAL="${ARRIVAL:-500}"
WORK="${WORK:-$(mktemp -d /tmp/stentor-vs-icecast.XXXXXX)}"
ICE_PORT=18000
ST_PORT=18080

missing=()
for tool in icecast2 ffmpeg sox opusenc curl jq; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "vs-icecast: missing ${missing[*]}; install with: apt-get install icecast2 ffmpeg sox opus-tools curl jq" >&2
  exit 1
fi
for port in "$ICE_PORT" "$ST_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "vs-icecast: port $port is already in use on 127.0.0.1; stop what listens there first" >&2
    exit 1
  fi
done
. bin/find-java.sh
stentor_find_java
JAVA="$STENTOR_JAVA_HOME/bin/java"
./stentor --version >/dev/null   # builds target/stentor.jar if needed
JAR="$PWD/target/stentor.jar"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "vs-icecast: working in $WORK"
mkdir -p "$WORK/log" && chmod 777 "$WORK" "$WORK/log"

# The stream: 20 s of speech-band tones, 48 kHz mono, Opus 32 kbit/s in 20 ms frames.
sox -n -r 48000 -c 1 -b 16 "$WORK/tone.wav" synth 20 sine 300-900 sine 440 remix - gain -6 2>/dev/null
opusenc --quiet --bitrate 32 --framesize 20 --downmix-mono "$WORK/tone.wav" "$WORK/tone.opus"

# ---- Icecast 2 (it refuses to run as root unless told to drop privileges)
cat > "$WORK/icecast.xml" <<XML
<icecast>
  <location>loopback</location><admin>bench@localhost</admin>
  <limits>
    <clients>100000</clients><sources>4</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout><source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect><burst-size>8192</burst-size>
  </limits>
  <authentication>
    <source-password>bench</source-password><relay-password>bench</relay-password>
    <admin-user>admin</admin-user><admin-password>bench</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>$ICE_PORT</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir><logdir>$WORK/log</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
  <security><chroot>0</chroot><changeowner><user>nobody</user><group>nogroup</group></changeowner></security>
</icecast>
XML
icecast2 -c "$WORK/icecast.xml" > "$WORK/log/icecast.out" 2>&1 &
ICE_PID=$!; pids+=("$ICE_PID")
for mount in 1s:1000000 20ms:20000; do
  name=${mount%%:*}; page=${mount##*:}
  ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$WORK/tone.opus" -c copy -page_duration "$page" \
    -content_type audio/ogg -f ogg "icecast://source:bench@127.0.0.1:$ICE_PORT/live$name.opus" \
    > "$WORK/log/feed-$name.log" 2>&1 &
  pids+=("$!")
done

# ---- Stentor
# This compares fan-out capacity, and Icecast has no admission control: Stentor's is opened wide
# (no admission rate or caps, no load states), so that both servers take every listener offered.
"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" serve --http-host 127.0.0.1 --http-port "$ST_PORT" \
  --data-dir "$WORK/stentor-data" --admission-per-second 1000000 --admission-max-listeners 10000000 \
  --admission-max-websocket-listeners 10000000 --overload-lag-constrained 10m --overload-lag-critical 10m \
  --overload-cpu-constrained-percent 101 > "$WORK/log/stentor.log" 2>&1 &
ST_PID=$!; pids+=("$ST_PID")
sleep 1
kill -0 "$ST_PID" 2>/dev/null || { echo "vs-icecast: Stentor did not start (see $WORK/log/stentor.log)" >&2; exit 1; }
B="http://127.0.0.1:$ST_PORT"
for _ in $(seq 60); do curl -sf "$B/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
. bench/space.sh
bench_space "$B" Benchmark
"$JAVA" -jar "$JAR" speak --server "$B" --space "$SPACE" --token "$TOKEN" --file "$WORK/tone.opus" --loop \
  > "$WORK/log/speak.log" 2>&1 &
pids+=("$!")
for _ in $(seq 40); do curl -sf -o /dev/null -r 0-0 "http://127.0.0.1:$ICE_PORT/live20ms.opus" --max-time 1 2>/dev/null && break; sleep 0.5; done
sleep 3

run() { # name url pid listeners
  local name=$1 url=$2 pid=$3 n=$4
  # One client process per 6,000 listeners: one process reading more saturates a core of its own.
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" loadtest --url "$url" --listeners "$n" \
    --processes $(( (n + 5999) / 6000 )) \
    --arrival-rate "$ARRIVAL" --warmup 3 --hold "$HOLD" --server-pid "$pid" --json "$WORK/$name-$n.json" \
    > "$WORK/log/loadtest-$name-$n.log" 2>&1 || echo "vs-icecast: $name at $n failed (see $WORK/log)" >&2
  sleep 2
}

IFS=, read -ra levels <<< "$LEVELS"
for n in "${levels[@]}"; do
  echo "vs-icecast: $n listeners..." >&2
  run icecast-1s   "http://127.0.0.1:$ICE_PORT/live1s.opus"   "$ICE_PID" "$n"
  run stentor-ws   "ws://127.0.0.1:$ST_PORT/api/v1/spaces/$SPACE/listen" "$ST_PID" "$n"
  run icecast-20ms "http://127.0.0.1:$ICE_PORT/live20ms.opus" "$ICE_PID" "$n"
  run stentor-ogg  "$B/spaces/$SPACE/live.opus" "$ST_PID" "$n"
done

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(lscpu | sed -n 's/^Model name: *//p'); $(date -u +%F)"
echo "stream: 32 kbit/s Opus, 20 ms frames; arrivals $ARRIVAL/s; measured over $HOLD s after a 3 s warm-up"
printf '%-13s %9s %8s %9s %14s %13s %15s %15s %9s\n' server listeners starved "srv cores" "% core/1000" "RSS KiB/lst" "join p50/p99 ms" "lat p50/p99 ms" "behind s"
for n in "${levels[@]}"; do
  for name in icecast-1s icecast-20ms stentor-ogg stentor-ws; do
    f="$WORK/$name-$n.json"
    [ -f "$f" ] || { printf '%-13s %9s %8s\n' "$name" "$n" "failed"; continue; }
    jq -r --arg name "$name" '
      def r(x): if x == null then "-" else (x * 10 | round / 10 | tostring) end;
      [$name, .listeners, ((.starved / .listeners * 1000 | round / 10 | tostring) + "%"),
       r(.serverCpuCores), r(if .listeners > .starved then .serverCpuCores / (.listeners - .starved) * 100000 else null end),
       r(if .joined > 0 and .serverRssGrowthBytes >= 0 then .serverRssGrowthBytes / .joined / 1024 else null end),
       (r(.joinMillis.p50) + "/" + r(.joinMillis.p99)),
       (if .tier == "ws" then r(.latencyMillis.p50) + "/" + r(.latencyMillis.p99) else "-" end),
       (if .tier == "ws" then "0" else r(.behindLiveSecondsMedian) end)] | @tsv' "$f" |
      awk -F'\t' '{printf "%-13s %9s %8s %9s %14s %13s %15s %15s %9s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9}'
  done
done
