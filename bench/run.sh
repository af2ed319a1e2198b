#!/usr/bin/env bash
# Benchmarks `trace` against the usual tools on a generated LLM-agent log file.
#
#   bench/run.sh [SIZE]          SIZE: trace_gen size, default 1G (K, M, G = powers of 1024)
#
# Environment (all optional):
#   REPEAT=3            runs per fast command; the table keeps the fastest (slow tools run once)
#   SLOW_PREFIX=200M    input for jq and mlr (and a trace run on the same input, to compare)
#   OTLP=1              also time `trace stats` on an OTLP JSON-lines file, on one OTLP
#                       document of the same size, and on its spans as one Chrome trace
#   NO_RESULTS=1        print the table but do not append it to bench/RESULTS.md
#   WAIT_IDLE=600       wait up to this many seconds for the 1-minute load average to fall
#                       below 1 before timing (shared machines); the report records the load
#
# Builds Release into build-bench/, generates bench/data/ (git-ignored) once, then prints a
# Markdown table and appends it, with the machine's description, to bench/RESULTS.md.
# See bench/README.md for what is measured and how to read it.
set -euo pipefail

SIZE=${1:-1G}
REPEAT=${REPEAT:-3}
SLOW_PREFIX=${SLOW_PREFIX:-200M}
OTLP=${OTLP:-1}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build-bench
DATA=$ROOT/bench/data
RESULTS=$ROOT/bench/RESULTS.md
OUT=$DATA/out
TRACE=$BUILD/trace
GEN=$BUILD/bench/trace_gen

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

# --- tools ------------------------------------------------------------------------------
# command -> Debian package. /usr/bin/time is GNU time (the shell keyword has no -v).
declare -A PACKAGES=([jq]=jq [mlr]=miller [rg]=ripgrep [/usr/bin/time]=time [cmake]=cmake
                     [ninja]=ninja-build [g++]=g++)
missing=()
for cmd in "${!PACKAGES[@]}"; do
  command -v "$cmd" > /dev/null 2>&1 || missing+=("${PACKAGES[$cmd]}")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq > /dev/null
  apt-get install -y -qq "${missing[@]}" > /dev/null
fi

# --- build ------------------------------------------------------------------------------
say "building trace and trace_gen (Release) in $BUILD"
mkdir -p "$DATA" "$OUT"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DTRACE_BUILD_BENCH=ON > "$OUT/cmake.log" 2>&1 || { cat "$OUT/cmake.log" >&2; die "cmake failed"; }
ninja -C "$BUILD" -j2 trace trace_gen > /dev/null || die "build failed (run: ninja -C $BUILD trace trace_gen)"

# --- data -------------------------------------------------------------------------------
# trace_gen stops at the last whole line that fits, and a smaller size with the same seed is
# a byte prefix of a larger one: the "prefix" files are exactly the start of the big file.
generate() {  # generate FILE SIZE FORMAT
  [[ -s $1 ]] && return
  say "generating $1 ($2, $3)"
  "$GEN" --size "$2" --seed 1 --format "$3" > "$1.tmp"
  mv "$1.tmp" "$1"
}
FILE=$DATA/trace_$SIZE.jsonl
generate "$FILE" "$SIZE" jsonl
bytes_of() { stat -c %s "$1"; }
FILE_BYTES=$(bytes_of "$FILE")
PREFIX=$DATA/trace_$SLOW_PREFIX.jsonl
generate "$PREFIX" "$SLOW_PREFIX" jsonl
if (($(bytes_of "$PREFIX") > FILE_BYTES)); then PREFIX=$FILE; fi
PREFIX_BYTES=$(bytes_of "$PREFIX")
if [[ $OTLP == 1 ]]; then
  OTLP_FILE=$DATA/trace_$SIZE.otlp.jsonl
  generate "$OTLP_FILE" "$SIZE" otlp-jsonl
  # The same requests as one big OTLP document (the single-document path).
  OTLP_DOC=$DATA/trace_$SIZE.otlp.json
  generate "$OTLP_DOC" "$SIZE" otlp-json
  # The same spans as one Chrome trace (an X event each, a tid per trace), as trace
  # convert writes it: the loader that reads its input whole.
  CHROME_DOC=$DATA/trace_$SIZE.chrome.json
  if [[ ! -s $CHROME_DOC ]]; then
    say "converting $OTLP_FILE to $CHROME_DOC"
    "$TRACE" convert --to chrome "$OTLP_FILE" > "$CHROME_DOC.tmp"
    mv "$CHROME_DOC.tmp" "$CHROME_DOC"
  fi
fi

# Every run reads from the page cache, the pages as a read from disk leaves them: each file
# is dropped from the cache (dd's nocache) and read once, untimed. How pages came into the
# cache changes what mapping them costs: a file just written by small writes (trace_gen's,
# a logger's) is cached in 4 KiB folios, one page-table entry each to map, which on this
# kernel made `trace stats -j1` 0.1 s a GB slower than after a read from disk, whose
# readahead brings large folios in (RESULTS.md, 11-27). RAM must hold the files.
DATA_FILES=("$FILE" "$PREFIX" ${OTLP_FILE:+"$OTLP_FILE" "$OTLP_DOC" "$CHROME_DOC"})
for f in "${DATA_FILES[@]}"; do dd if="$f" iflag=nocache count=0 status=none; done
cat "${DATA_FILES[@]}" > /dev/null

load1() { cut -d' ' -f1 /proc/loadavg; }
if ((${WAIT_IDLE:-0} > 0)); then
  waited=0
  while awk -v l="$(load1)" 'BEGIN { exit !(l >= 1.0) }' && ((waited < WAIT_IDLE)); do
    ((waited % 60 == 0)) && say "load average $(load1): waiting for it to fall below 1 (${waited}s of ${WAIT_IDLE}s)"
    sleep 10
    waited=$((waited + 10))
  done
fi
LOAD_BEFORE=$(load1)

# --- timing -----------------------------------------------------------------------------
ROWS=()
NOTES=()
case_no=0

gb() { awk -v b="$1" 'BEGIN { printf "%.2f GB", b / 1e9 }'; }

# run_case TOOL COMMAND_SHOWN INPUT REPEATS argv...
# Times argv REPEATS times (stdout to $OUT/N.out), keeps the fastest wall clock and the
# largest peak RSS, and adds a table row. A failing command gets a row saying so.
run_case() {
  local tool=$1 shown=$2 input=$3 reps=$4
  shift 4
  case_no=$((case_no + 1))
  local out=$OUT/$case_no.out err=$OUT/$case_no.err timing=$OUT/$case_no.time
  local best=0 best_cpu=0 rss_kb=0 rc=0 i t0 t1 ns kb cpu
  local input_bytes
  input_bytes=$(bytes_of "$input")
  say "[$case_no] $tool: $shown"
  for ((i = 0; i < reps; i++)); do
    rc=0
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$timing" "$@" > "$out" 2> "$err" || rc=$?
    t1=$(date +%s%N)
    ns=$((t1 - t0))
    kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$timing")
    ((rss_kb < kb)) && rss_kb=$kb
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.3f", s }' "$timing")
    if ((best == 0 || ns < best)); then
      best=$ns
      best_cpu=$cpu
    fi
    # grep's convention: 1 = nothing matched, still a valid timing.
    if ((rc > 1)); then break; fi
  done
  if ((rc > 1)); then
    ROWS+=("| $tool | \`$shown\` | $(gb "$input_bytes") | failed (exit $rc) | | | |")
    NOTES+=("$tool \`$shown\` failed: $(head -c 300 "$err" | tr '\n' ' ')")
    return 0
  fi
  local row
  row=$(awk -v ns="$best" -v cpu="$best_cpu" -v b="$input_bytes" -v kb="$rss_kb" -v star="$((reps < REPEAT))" 'BEGIN {
    s = ns / 1e9
    printf "| %.3f%s | %.2f | %.2f | %.0f |", s, (star ? "*" : ""), cpu, b / 1e9 / s, kb / 1024 }')
  ROWS+=("| $tool | \`$shown\` | $(gb "$input_bytes") $row")
}

F='FILE'
P="PREFIX"
# To /dev/null itself: run_case keeps stdout in a file, and writing 1 GB there is no floor.
run_case "cat (floor)" "cat $F > /dev/null" "$FILE" "$REPEAT" sh -c 'exec cat "$1" > /dev/null' sh "$FILE"
run_case "ripgrep" "rg -c '\"level\":\"ERROR\"' $F" "$FILE" "$REPEAT" rg -c '"level":"ERROR"' "$FILE"
RG_ERRORS=$(cat "$OUT/$case_no.out" 2> /dev/null || echo '?')
run_case "ripgrep" "rg --no-mmap -c '\"level\":\"ERROR\"' $F" "$FILE" "$REPEAT" \
  rg --no-mmap -c '"level":"ERROR"' "$FILE"
run_case "trace" "trace stats -j1 $F" "$FILE" "$REPEAT" "$TRACE" stats -j1 "$FILE"
run_case "trace" "trace stats -j2 $F" "$FILE" "$REPEAT" "$TRACE" stats -j2 "$FILE"
run_case "trace" "trace stats --format json $F" "$FILE" "$REPEAT" "$TRACE" stats --format json "$FILE"
TRACE_ERRORS=$(jq '[.rows[].errors] | add' "$OUT/$case_no.out" 2> /dev/null || echo '?')
TRACE_SPANS=$(jq '.spans' "$OUT/$case_no.out" 2> /dev/null || echo '?')

# grep: the two slow-op/level filters, each beside jq's select on the same whole FILE (jq runs
# once: ~30-50 s) and the match counts compared.
run_case "trace" "trace grep -c --level error $F" "$FILE" "$REPEAT" "$TRACE" grep -c --level error "$FILE"
GREP_ERRORS=$(cat "$OUT/$case_no.out" 2> /dev/null || echo '?')
run_case "trace" "trace grep --level error $F" "$FILE" "$REPEAT" "$TRACE" grep --level error "$FILE"
GREP_ERROR_LINES=$(wc -l < "$OUT/$case_no.out" 2> /dev/null || echo '?')
run_case "jq" "jq -c 'select(.level==\"ERROR\")' $F" "$FILE" 1 jq -c 'select(.level=="ERROR")' "$FILE"
JQ_ERRORS=$(wc -l < "$OUT/$case_no.out" 2> /dev/null || echo '?')
run_case "trace" "trace grep -c --min-duration 1s $F" "$FILE" "$REPEAT" "$TRACE" grep -c --min-duration 1s "$FILE"
GREP_SLOW=$(cat "$OUT/$case_no.out" 2> /dev/null || echo '?')
run_case "trace" "trace grep --min-duration 1s $F" "$FILE" "$REPEAT" "$TRACE" grep --min-duration 1s "$FILE"
GREP_SLOW_LINES=$(wc -l < "$OUT/$case_no.out" 2> /dev/null || echo '?')
run_case "jq" "jq -c 'select((.duration_ms // -1) >= 1000)' $F" "$FILE" 1 \
  jq -c 'select((.duration_ms // -1) >= 1000)' "$FILE"
JQ_SLOW=$(wc -l < "$OUT/$case_no.out" 2> /dev/null || echo '?')

run_case "trace" "trace summary $F" "$FILE" "$REPEAT" "$TRACE" summary "$FILE"
run_case "trace" "trace cost $F" "$FILE" "$REPEAT" "$TRACE" cost "$FILE"

if [[ $OTLP == 1 ]]; then
  run_case "trace" "trace stats OTLP_FILE" "$OTLP_FILE" "$REPEAT" "$TRACE" stats "$OTLP_FILE"
  run_case "trace" "trace stats -j1 OTLP_DOC" "$OTLP_DOC" "$REPEAT" "$TRACE" stats -j1 "$OTLP_DOC"
  run_case "trace" "trace stats -j2 OTLP_DOC" "$OTLP_DOC" "$REPEAT" "$TRACE" stats -j2 "$OTLP_DOC"
  run_case "trace" "trace stats -j1 CHROME_DOC" "$CHROME_DOC" "$REPEAT" "$TRACE" stats -j1 "$CHROME_DOC"
  run_case "trace" "trace stats -j2 CHROME_DOC" "$CHROME_DOC" "$REPEAT" "$TRACE" stats -j2 "$CHROME_DOC"
fi

# The slow tools get the prefix only, once; trace runs on the same prefix for comparison.
run_case "trace" "trace stats $P" "$PREFIX" "$REPEAT" "$TRACE" stats "$PREFIX"
# shellcheck disable=SC2016 # $l is jq's variable, not the shell's
JQ_PROGRAM='reduce (inputs | select(.duration_ms != null)) as $l ({};
  .[$l.stage] |= (.count += 1 | .sum += $l.duration_ms)) | map_values(.avg = .sum / .count)'
run_case "jq" "jq -n 'reduce inputs … per-stage count, avg' $P" "$PREFIX" 1 jq -n "$JQ_PROGRAM" "$PREFIX"
JQ_COUNT=$(jq '[.[].count] | add' "$OUT/$case_no.out" 2> /dev/null || echo '?')
run_case "miller" "mlr --ijsonl --ojson stats1 -a count,mean,p50,p95,p99 -f duration_ms -g stage $P" \
  "$PREFIX" 1 mlr --ijsonl --ojson stats1 -a count,mean,p50,p95,p99 -f duration_ms -g stage "$PREFIX"
MLR_COUNT=$(jq '[.[].duration_ms_count] | add' "$OUT/$case_no.out" 2> /dev/null || echo '?')
TRACE_PREFIX_SPANS=$("$TRACE" stats --format json "$PREFIX" 2> /dev/null | jq '.spans' 2> /dev/null || echo '?')

# --- report -----------------------------------------------------------------------------
LOAD_AFTER=$(load1)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
rev=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)
dirty=""
[[ -n $(git -C "$ROOT" status --porcelain 2> /dev/null) ]] && dirty=", uncommitted changes"
versions="$(rg --version | sed -n 1p), $(jq --version), $(mlr --version), $("$TRACE" --version)"

report() {
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC'): $SIZE JSON-lines input"
  echo
  echo "Machine: $(nproc) cores ($cpu), $ram RAM, $(uname -sr). trace at $rev$dirty, Release build."
  echo "Tools: $versions."
  echo "FILE = \`bench/data/trace_$SIZE.jsonl\` ($FILE_BYTES bytes, $(wc -l < "$FILE") lines);"
  echo "PREFIX = its first $SLOW_PREFIX, \`bench/data/trace_$SLOW_PREFIX.jsonl\` ($PREFIX_BYTES bytes)."
  if [[ $OTLP == 1 ]]; then
    echo "OTLP_FILE = \`bench/data/trace_$SIZE.otlp.jsonl\` ($(bytes_of "$OTLP_FILE") bytes, one request of ~10 spans per line);"
    echo "OTLP_DOC = \`bench/data/trace_$SIZE.otlp.json\` ($(bytes_of "$OTLP_DOC") bytes, the same requests as one OTLP document on one line);"
    echo "CHROME_DOC = \`bench/data/trace_$SIZE.chrome.json\` ($(bytes_of "$CHROME_DOC") bytes, OTLP_FILE's spans as one Chrome trace, by \`trace convert --to chrome\`)."
  fi
  echo
  echo "Load average (1 min) before timing: $LOAD_BEFORE, after: $LOAD_AFTER."
  echo
  echo "| tool | command | input | seconds | CPU s | GB/s | peak RSS MiB |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Seconds: wall clock, fastest of $REPEAT runs, warm page cache; * = one run (jq and mlr"
  echo "are slow, so they and a trace run for comparison read only PREFIX). GB/s = input bytes / 1e9 / seconds."
  echo "CPU s: user + system time of that fastest run (more stable than wall clock on a busy machine)."
  echo "Peak RSS: largest maximum resident set size over the runs (GNU time -v)."
  echo "Cross-checks: rg counts $RG_ERRORS ERROR lines, trace stats finds $TRACE_ERRORS errors in $TRACE_SPANS spans;"
  echo "on PREFIX jq counts $JQ_COUNT duration lines, mlr $MLR_COUNT, trace $TRACE_PREFIX_SPANS spans;"
  echo "error lines: trace grep -c $GREP_ERRORS, printed $GREP_ERROR_LINES, jq $JQ_ERRORS;"
  echo "lines of 1 s or more: trace grep -c $GREP_SLOW, printed $GREP_SLOW_LINES, jq $JQ_SLOW."
  local note
  for note in "${NOTES[@]+"${NOTES[@]}"}"; do echo "- $note"; done
  echo
}

report_text=$(report)
printf '%s\n' "$report_text"
if [[ ${NO_RESULTS:-0} != 1 ]]; then
  if [[ ! -s $RESULTS ]]; then
    # shellcheck disable=SC2016 # backticks are Markdown here
    printf '# Benchmark results\n\nAppended by `bench/run.sh`, newest last. See bench/README.md for how to read them.\n\n' > "$RESULTS"
  fi
  printf '%s\n\n' "$report_text" >> "$RESULTS"
  say "appended to $RESULTS"
fi
