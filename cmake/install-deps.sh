#!/usr/bin/env bash
# Installs the Debian 12 packages tapegrad needs to build, test and run its
# examples. Does nothing when they are all present. Run as root (or via sudo).
# Package names given as arguments are installed too (run.sh bench-torch adds
# the optional libtorch-dev this way, run.sh bench-scalar Stan Math and ADOL-C).
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libxtensor-dev libxtensor-blas-dev libxsimd-dev libopenblas-dev
  libfmt-dev libgtest-dev libbenchmark-dev
  nlohmann-json3-dev   # tape JSON files (src/inspect)
  graphviz             # SVG pictures of tapes in the examples and DOT tests
  clang libclang-rt-dev  # libFuzzer builds of the file loaders
  zlib1g-dev           # gzip-compressed IDX data sets
  libcli11-dev         # command line of examples/train_fashion_mnist
  gnuplot-nox          # its SVG learning curves (optional at run time)
  dataset-fashion-mnist  # the data set it trains on
  wamerican            # the word list examples/char_lm learns from
  libopenmpi-dev openmpi-bin  # tapegrad::dist (data-parallel training) and its mpirun tests
  "$@"
)

# The tape explorer (src/inspect/explorer: dagre from npm, embedded) and its
# browser test (tests/inspect/browser: playwright-core drives Debian's
# chromium). A node that came with its own npm (NodeSource's) is kept.
packages+=(chromium)
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "tapegrad: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
