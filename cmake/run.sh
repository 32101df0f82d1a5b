#!/usr/bin/env bash
# One entry point for building and checking tapegrad on Debian 12.
#
#   bash cmake/run.sh example    install dependencies, build, run the lecture example
#   bash cmake/run.sh test       install dependencies, build, run every test (ctest)
#   bash cmake/run.sh sanitize   the same tests in the ASan + UBSan build
#
# Dependencies come from cmake/install-deps.sh (apt-get; a no-op when present).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }

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
  *)
    usage
    exit 2
    ;;
esac
