#!/usr/bin/env bash
# What one listener costs in bytes per second on each tier, above TCP: one node on loopback, a
# speaker sending a 440 Hz tone (32 kbit/s Opus), and SECONDS of each tier read by curl.
#   bench/tier-bytes.sh [SECONDS]        (default 10; needs curl and jq)
# The WebSocket tier is computed from its wire format (docs/PROTOCOL.md) and the Opus packet size
# measured here: per 20 ms frame, a 2-byte WebSocket header, the 16-byte media header and the packet.
set -euo pipefail
SECS=${1:-10}; PORT=${PORT:-18320}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/stentor" --help >/dev/null
. "$here/bin/find-java.sh"; stentor_find_java; JAVA="$STENTOR_JAVA_HOME/bin/java"; JAR="$here/target/stentor.jar"
WORK=$(mktemp -d /tmp/stentor-tier-bytes.XXXXXX); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" serve --http-host 127.0.0.1 --http-port "$PORT" \
  --data-dir "$WORK/data" > "$WORK/server.log" 2>&1 &
pids+=("$!")
B="http://127.0.0.1:$PORT"
for _ in $(seq 120); do curl -sf "$B/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
. "$here/bench/space.sh"
bench_space "$B" Bytes
"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" speak --server "$B" --space "$SPACE" --token "$TOKEN" --tone 440 \
  > "$WORK/speak.log" 2>&1 &
pids+=("$!")
sleep 6 # a few HLS segments
ogg=$(curl -s --max-time "$SECS" "$B/spaces/$SPACE/live.opus" | wc -c || true)
playlist=$(curl -s "$B/spaces/$SPACE/hls/index.m3u8")
part=$(grep -o 'URI="[^"]*\.[0-9]*\.m4s"' <<< "$playlist" | tail -1 | cut -d'"' -f2)
part_bytes=$(curl -s "$B/spaces/$SPACE/hls/$part" | wc -c)
segment=$(grep -v '^#' <<< "$playlist" | grep '\.m4s$' | tail -1)
segment_bytes=$(curl -s "$B/spaces/$SPACE/hls/$segment" | wc -c)
playlist_bytes=$(wc -c <<< "$playlist")
# Opus packet size: a part holds 25 frames; its fMP4 boxes are ~100 bytes + 25 sample entries.
opus=$(( (part_bytes - 100 - 25 * 4) / 25 ))
echo "ogg        $(( ogg / SECS )) B/s ($(( ogg * 8 / SECS / 1000 )) kbit/s) over $SECS s, 100 ms pages"
echo "hls part   $part_bytes B per 0.5 s part; segment $segment_bytes B per 2 s; playlist $playlist_bytes B"
echo "hls ll     $(( (part_bytes + playlist_bytes) * 2 * 8 / 1000 )) kbit/s per LL-HLS player (a part and a playlist per 0.5 s)"
echo "hls 2 s    $(( (segment_bytes + playlist_bytes) * 8 / 2 / 1000 )) kbit/s per plain HLS player (a segment and a playlist per 2 s)"
echo "opus       ~$opus B per 20 ms frame (from the part)"
echo "websocket  $(( (2 + 16 + opus) * 50 * 8 / 1000 )) kbit/s per listener (50 frames/s of 2 + 16 + $opus bytes)"
echo "machine    $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%F)"
