#!/usr/bin/env bash
# One entry point for building and checking tapegrad on Debian 12.
#
#   bash cmake/run.sh example    install dependencies, build, run the lecture example
#   bash cmake/run.sh test       install dependencies, build, run every test (ctest)
#   bash cmake/run.sh sanitize   the same tests in the ASan + UBSan build
#   bash cmake/run.sh tsan       the thread-safety tests (tests/threads) under ThreadSanitizer
#   bash cmake/run.sh bench      the benchmark suite (medians of 5) and its ratio table
#   bash cmake/run.sh bench-torch  the same workloads in tapegrad and libtorch side by side
#                                (medians of 5), with Debian's libtorch-dev installed first
#   bash cmake/run.sh bench-torch-train  the Fashion-MNIST training job in both, epoch by epoch
#                                (--epochs 4 --threads 1 --batch 128), libtorch-dev installed first
#   bash cmake/run.sh bench-torch-lstm  an LSTM language model in both: losses checked equal
#                                (float64, float32), then step times at 1 and 2 threads
#   bash cmake/run.sh bench-scalar  the scalar chain in tapegrad, Stan Math, ADOL-C and by hand,
#                                interleaved, recorded and then replayed (tapegrad, ADOL-C),
#                                with Debian's StanHeaders and ADOL-C installed first
#   bash cmake/run.sh bench-dist   data-parallel step time: 1 rank × 2 threads, then 2 ranks ×
#                                1 thread under mpirun (tapegrad::dist; steps as argument)
#   bash cmake/run.sh fuzz       every libFuzzer target for ${FUZZ_SECONDS:-60} s in all (clang++)
#
# Dependencies come from cmake/install-deps.sh (apt-get; a no-op when present).
# bench and bench-torch pass further arguments to Google Benchmark, bench-scalar to its
# program (--rounds=N), bench-torch-lstm to its program (--pairs N, --threads 1,2, …).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }

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

# Builds the `fuzz` preset and runs each tests/fuzz/<name>_fuzz for its share
# of FUZZ_SECONDS on a scratch copy of tests/fuzz/corpus/<name> (the repo is
# never modified): three quarters of the share with libFuzzer's default input
# sizes (a few KB, where it is fastest), the last quarter with inputs up to
# 1 MiB from the start (-max_len, -len_control=0), so bombs that need size
# (gzip, JSON) can be found. Any crash, leak, timeout, sanitizer report or
# allocation beyond -rss_limit_mb fails.
run_fuzzers() {
  if ! command -v clang++ >/dev/null 2>&1; then
    echo "fuzz: clang++ is not installed; skipping the fuzz targets"
    return 0
  fi
  local sources=(tests/fuzz/*_fuzz.cpp)
  local targets=()
  local source
  for source in "${sources[@]}"; do
    targets+=("$(basename "$source" .cpp)")
  done
  preset_build fuzz "${targets[@]}"
  local total=${FUZZ_SECONDS:-60}
  local each=$((total / ${#targets[@]}))
  local large=$((each / 4))
  if [ "$large" -lt 1 ]; then large=1; fi
  local small=$((each - large))
  if [ "$small" -lt 1 ]; then small=1; fi
  local scratch
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' RETURN
  local target name
  for target in "${targets[@]}"; do
    name=${target%_fuzz}
    mkdir -p "$scratch/$name/corpus" "$scratch/$name/artifacts"
    if [ -d "tests/fuzz/corpus/$name" ]; then
      cp -R "tests/fuzz/corpus/$name/." "$scratch/$name/corpus/"
    fi
    fuzz_one "$target" "$scratch/$name" "$small" &&
      fuzz_one "$target" "$scratch/$name" "$large" -max_len=1048576 -len_control=0 ||
      return 1
  done
}

# fuzz_one target dir seconds [libFuzzer flags...]: one run on dir/corpus.
fuzz_one() {
  local target=$1 dir=$2 seconds=$3 name=${1%_fuzz}
  shift 3
  echo "fuzz: $target for ${seconds} s $*"
  if ! "./build/fuzz/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 "$@" \
      -artifact_prefix="$dir/artifacts/" "$dir/corpus"; then
    echo "fuzz: $target failed; reproducer:" "$dir/artifacts/"*
    cp -R "$dir/artifacts" "build/fuzz/$name-artifacts" 2>/dev/null || true
    echo "fuzz: artifacts kept in build/fuzz/$name-artifacts"
    return 1
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
  tsan)
    bash cmake/install-deps.sh
    preset_build tsan tapegrad_thread_tests
    ctest --preset tsan
    ;;
  bench)
    bash cmake/install-deps.sh
    preset_build release tapegrad_benchmarks
    shift
    ./build/release/tests/benchmarks/tapegrad_benchmarks --benchmark_repetitions=5 \
      --benchmark_report_aggregates_only=true "$@"
    ;;
  bench-torch)
    # libtorch is optional and only for this comparison: never in CI.
    bash cmake/install-deps.sh libtorch-dev
    preset_build release tapegrad_vs_libtorch
    shift
    # The program sets this itself when it is unset; said here to be seen.
    OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} \
      ./build/release/tests/benchmarks/tapegrad_vs_libtorch --benchmark_repetitions=5 \
      --benchmark_report_aggregates_only=true "$@"
    ;;
  bench-torch-train)
    # The Fashion-MNIST job, epochs alternating between tapegrad and libtorch.
    bash cmake/install-deps.sh libtorch-dev
    preset_build release tapegrad_vs_libtorch_training
    shift
    OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} \
      ./build/release/tests/benchmarks/tapegrad_vs_libtorch_training "$@"
    ;;
  bench-torch-lstm)
    # The LSTM language model, blocks of steps alternating between the two.
    bash cmake/install-deps.sh libtorch-dev
    preset_build release tapegrad_vs_libtorch_lstm
    shift
    OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} \
      ./build/release/tests/benchmarks/tapegrad_vs_libtorch_lstm "$@"
    ;;
  bench-dist)
    bash cmake/install-deps.sh
    preset_build release tapegrad_dist_bench
    shift
    ./build/release/tests/benchmarks/tapegrad_dist_bench "$@"
    # --allow-run-as-root for CI and containers, which also forbid the ptrace that
    # OpenMPI's shared-memory transport tries first.
    OMPI_MCA_btl_vader_single_copy_mechanism=none mpirun -np 2 --allow-run-as-root \
      --oversubscribe ./build/release/tests/benchmarks/tapegrad_dist_bench "$@"
    ;;
  bench-scalar)
    # Stan Math and ADOL-C are optional and only for this comparison: never in CI.
    bash cmake/install-deps.sh r-cran-stanheaders libeigen3-dev libboost-dev libadolc-dev
    preset_build release tapegrad_vs_stan_adolc
    shift
    ./build/release/tests/benchmarks/tapegrad_vs_stan_adolc "$@"
    ;;
  fuzz)
    bash cmake/install-deps.sh
    run_fuzzers
    ;;
  *)
    usage
    exit 2
    ;;
esac
