#!/usr/bin/env bash
# Renders `trace report` pages of the samples and takes a PNG screenshot of each with a
# headless Chromium, for people to look at the report without opening a browser (and to
# compare before/after a change to the page).
#
#   bench/report_screenshot.sh [TRACE_BINARY] [OUT_DIR]
#
# TRACE_BINARY defaults to build/trace, OUT_DIR to build/report-screenshots/ (both relative to
# the repository). Each sample set gives OUT_DIR/NAME.html and OUT_DIR/NAME.png, 1280
# pixels wide and HEIGHT (default 3200) high: export HEIGHT=6000 for the whole of a long
# page. Needs the Debian package chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

trace_bin=$(realpath "${1:-build/trace}")
out=${2:-build/report-screenshots}
height=${HEIGHT:-3200}
mkdir -p "$out"
out=$(realpath "$out")

chromium=""
for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then chromium=$(command -v "$name"); break; fi
done
if [[ -z $chromium ]]; then
  echo "report_screenshot: no chromium found (apt-get install chromium)" >&2
  exit 2
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# name, then the report's arguments
sets=(
  "otlp_traces|samples/otlp_traces.json"
  "logs_and_spans|samples/app_logs.jsonl samples/otlp_traces.jsonl"
  "logs_only|samples/otlp_logs.json samples/pino.jsonl"
  "llm_calls|samples/llm_calls.jsonl samples/genai_trace.json"
  "chrome|samples/chrome_trace.json"
  "jaeger_by_service|--group-by service,name samples/jaeger.json"
  "hostile|samples/hostile.json"
)
for entry in "${sets[@]}"; do
  name=${entry%%|*}
  args=${entry#*|}
  # shellcheck disable=SC2086  # the arguments are meant to split
  "$trace_bin" report $args -o "$out/$name.html"
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$profile" --window-size="1280,$height" --screenshot="$out/$name.png" \
    "file://$out/$name.html" >/dev/null 2>&1
  echo "$out/$name.png  (trace report $args)"
done
