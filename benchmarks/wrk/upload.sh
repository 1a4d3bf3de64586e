#!/bin/bash
# Upload throughput where users see it: wrk (Debian's package) in its own process against the runnable jar.
# Start the jar first, with the per-device rate limit out of the way (one device uploads everything):
#   java -jar local-launcher/target/local-launcher-0.1.0-SNAPSHOT.jar --vigil.captures.rate-limit=100000000
# then: benchmarks/wrk/upload.sh [WIDTH HEIGHT NOISE] (default 1280 720 20: a ~214 KB JPEG).
set -euo pipefail
cd "$(dirname "$0")"
API=${API:-http://127.0.0.1:8080}
work=$(mktemp -d)
java Photo.java "$work/photo.jpg" "${1:-1280}" "${2:-720}" "${3:-20}" > /dev/null
token=$(curl -sf -X POST "$API/api/v1/dev/tokens" -H 'Content-Type: application/json' \
  -d '{"user": "bench", "roles": ["admin"], "org": "bench"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
device="WRK$(date +%s)"
export DEVICE_KEY=$(curl -sf -X POST "$API/api/v1/devices" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d "{\"device_id\": \"$device\"}" | sed 's/.*"api_key":"\([^"]*\)".*/\1/')
printf '{"device_id":"%s","image_base64":"%s","captured_at":"2026-12-02T09:00:00Z"}' "$device" \
  "$(base64 -w0 "$work/photo.jpg")" > "$work/body.json"
export BODY="$work/body.json"
echo "image: $(stat -c %s "$work/photo.jpg") bytes; warm-up 60 s at 4 connections"
wrk -t2 -c4 -d60s -s upload.lua "$API" > /dev/null
for c in 2 4 8; do
  echo "== $c connections, 30 s"
  wrk -t2 -c$c -d30s -s upload.lua --latency "$API" | grep -E "50%|90%|99%|Requests/sec|Non-2xx|Socket errors"
done
rm -rf "$work"
