#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time,
# seeded from samples/ (and the crashes found before, fuzz/regressions/).
#
#   fuzz/run.sh [SECONDS_PER_TARGET]    default 60
#
# -timeout=60: under ASan an exception costs milliseconds, and --lenient on a mangled
# file throws once per bad line; a real hang (the detection loop fixed with
# fuzz/regressions/) runs forever, not for a minute.
#
# A crash stops that target and leaves crash-* in fuzz/out/<target>/; turn it into a
# regression test (a file under fuzz/regressions/ and a test in tests/) before fixing it.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-fuzz
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DTRACE_FUZZ=ON -DBUILD_TESTING=OFF -DTRACE_BUILD_BENCH=OFF > /dev/null
ninja -C "$build" $(cd "$build" && ninja -t targets all | awk -F: '/^fuzz_[a-z_]*:/ { print $1 }')

status=0
for target in "$build"/fuzz/fuzz_*; do
  name=$(basename "$target")
  corpus=$root/fuzz/out/$name/corpus
  mkdir -p "$corpus"
  seeds=("$root/samples")
  [[ -d $root/fuzz/regressions ]] && seeds+=("$root/fuzz/regressions")
  [[ $name == fuzz_parsers ]] && seeds=("$root/fuzz/parser_seeds")
  if [[ $name == fuzz_flat_json ]]; then  # one JSON line per seed
    seeds=("$root/fuzz/out/$name/line_seeds")
    mkdir -p "${seeds[0]}"
    cat "$root"/samples/*.jsonl | head -500 | split -l 1 - "${seeds[0]}/line."
  fi
  echo "fuzz: $name for ${seconds}s" >&2
  (cd "$root/fuzz/out/$name" && "$target" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 \
    -max_len=65536 "$corpus" "${seeds[@]}" > log.txt 2>&1) || { status=1; echo "fuzz: $name FOUND A PROBLEM (fuzz/out/$name/log.txt)" >&2; }
  tail -1 "$root/fuzz/out/$name/log.txt" >&2
done
exit $status
