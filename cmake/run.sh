#!/usr/bin/env bash
# One entry point for building and checking tapegrad on Debian 12.
#
#   bash cmake/run.sh example    install dependencies, build, run the lecture example
#   bash cmake/run.sh test       install dependencies, build, run every test (ctest)
#   bash cmake/run.sh sanitize   the same tests in the ASan + UBSan build
#   bash cmake/run.sh bench      the benchmark suite (medians of 5) and its ratio table
#
# Dependencies come from cmake/install-deps.sh (apt-get; a no-op when present).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }

preset_build() {  # preset [targets...]
  local preset=$1
  shift
  cmake --preset "$preset"
  if [ $# -gt 0 ]; then
    cmake --build --preset "$preset" --target "$@"
  else
    cmake --build --preset "$preset"
  fi
}

case "${1:-}" in
  example)
    bash cmake/install-deps.sh
    preset_build release lecture
    ./build/release/examples/lecture
    ;;
  test)
    bash cmake/install-deps.sh
    preset_build release
    ctest --preset release
    ;;
  sanitize)
    bash cmake/install-deps.sh
    preset_build sanitize
    ctest --preset sanitize
    ;;
  bench)
    bash cmake/install-deps.sh
    preset_build release tapegrad_benchmarks
    shift
    ./build/release/tests/benchmarks/tapegrad_benchmarks --benchmark_repetitions=5 \
      --benchmark_report_aggregates_only=true "$@"
    ;;
  *)
    usage
    exit 2
    ;;
esac
