#!/usr/bin/env bash
# One step from a fresh Debian machine to a working `trace`:
#   ./setup.sh run    install what is missing, build Release, run `trace stats` on a sample
#   ./setup.sh test   the same set-up, then the whole test suite through ctest (CI runs this)
#   ./setup.sh sanitize  the same set-up, then the suite again on an ASan+UBSan build and on
#                     a ThreadSanitizer build (about an hour on 2 cores: run before a release,
#                     not on every change)
# Installing needs root (apt-get); everything else works as any user.
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-run}
build_dir=${TRACE_BUILD_DIR:-build}
packages=(cmake g++ ninja-build libcli11-dev libsimdjson-dev libfmt-dev catch2 zlib1g-dev libzstd-dev)
# Tests only: zstd makes compressed inputs; trace report's browser test (tests/browser/)
# renders pages in a headless Chromium.
if [[ $mode == test || $mode == sanitize ]]; then packages+=(zstd chromium fonts-dejavu-core); fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir"

case "$mode" in
  run)
    "$build_dir/trace" stats samples/otlp_traces.json
    ;;
  test)
    ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
    ;;
  sanitize)
    # The whole suite on a build with AddressSanitizer and UndefinedBehaviorSanitizer:
    # the end-to-end tests then run the instrumented binary on every sample and broken
    # input. -O1 keeps the build and the run to about a quarter of an hour each.
    sanitize_dir=${build_dir}-sanitize
    cmake -S . -B "$sanitize_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
      -DTRACE_SANITIZE=ON -DTRACE_BUILD_BENCH=OFF >/dev/null
    cmake --build "$sanitize_dir"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir "$sanitize_dir" --output-on-failure -j "$(nproc)"
    # And on a ThreadSanitizer build: the tests that cut inputs into tiny chunks run the
    # -j workers of every command on many chunks and batches.
    tsan_dir=${build_dir}-tsan
    cmake -S . -B "$tsan_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
      -DTRACE_SANITIZE_THREAD=ON -DTRACE_BUILD_BENCH=OFF >/dev/null
    cmake --build "$tsan_dir"
    TSAN_OPTIONS=halt_on_error=1 ctest --test-dir "$tsan_dir" --output-on-failure -j "$(nproc)"
    ;;
  *)
    echo "usage: ./setup.sh run|test|sanitize" >&2
    exit 2
    ;;
esac
