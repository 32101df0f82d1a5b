// tapegrad's benchmark suite. Every figure is reported next to the floor it
// is judged against, measured in the same run:
//   gemm_floor    the 8 GEMMs of one MLP training step, straight through cblas
//   mlp_step      that training step on the tape (784-512-256-10, ReLU,
//                 cross-entropy, backward, SGD update, reset)
//   mlp_step_vs_floor  the floor, mlp_step and mlp_step_update_after timed in
//                 alternating blocks inside one benchmark (see below)
//   scalar_chain  y = y·a + sin(y) repeated on rank-0 leaves
//   rnn           h ← tanh(W h + U x_t), 64 units, 200 steps, batch 1
//   elementwise/… relu and tanh on (512, 512), forward + backward, 1 and 2 threads
//   indexing/…    slice, concat, index, gather, embedding in ns per element,
//                 next to memcpy and add floors (indexing_benchmarks.cpp)
//   batched_matmul/…  rank-3 matmul (and its backward) against the same GEMMs
//                 in a loop, interleaved (batched_matmul_benchmarks.cpp)
//   replay/…      scalar_chain and mlp_step replayed instead of recorded
//                 (replay_benchmarks.cpp)
// mlp_step, scalar_chain and rnn live in workloads.hpp, which
// libtorch_side_by_side.cpp times too. After the runs a ratio table (mlp_step
// / gemm_floor, from mlp_step_vs_floor) is printed (to stderr when
// --benchmark_format=json, so stdout stays valid JSON).
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "allocation_counter.hpp"
#include "batched_matmul_benchmarks.hpp"
#include "cblas_gemm.hpp"
#include "indexing_benchmarks.hpp"
#include "recording.hpp"
#include "replay_benchmarks.hpp"
#include "statistics.hpp"
#include "workloads.hpp"

namespace {

using namespace tapegrad::bench;
using tapegrad::Tape;
using tapegrad::Tensor;

// ---------------------------------------------------------------- GEMM floor

/// The 8 GEMMs of one MLP training step (forward, then the weight and input
/// gradients), on preallocated buffers.
template <class T>
struct GemmFloor {
  std::size_t B;
  std::vector<T> x, w1, w2, w3, h1, h2, y, dy, dh2, dh1, dw1, dw2, dw3;

  explicit GemmFloor(std::size_t batch)
      : B(batch),
        x(B * kInput, T(0.1)),
        w1(kHidden1 * kInput, T(0.01)),
        w2(kHidden2 * kHidden1, T(0.01)),
        w3(kClasses * kHidden2, T(0.01)),
        h1(B * kHidden1),
        h2(B * kHidden2),
        y(B * kClasses),
        dy(B * kClasses, T(0.1)),
        dh2(B * kHidden2),
        dh1(B * kHidden1),
        dw1(w1.size()),
        dw2(w2.size()),
        dw3(w3.size()) {}

  void run() {
    gemm(false, true, B, kHidden1, kInput, x.data(), w1.data(), h1.data());
    gemm(false, true, B, kHidden2, kHidden1, h1.data(), w2.data(), h2.data());
    gemm(false, true, B, kClasses, kHidden2, h2.data(), w3.data(), y.data());
    gemm(true, false, kClasses, kHidden2, B, dy.data(), h2.data(), dw3.data());
    gemm(false, false, B, kHidden2, kClasses, dy.data(), w3.data(), dh2.data());
    gemm(true, false, kHidden2, kHidden1, B, dh2.data(), h1.data(), dw2.data());
    gemm(false, false, B, kHidden1, kHidden2, dh2.data(), w2.data(), dh1.data());
    gemm(true, false, kHidden1, kInput, B, dh1.data(), x.data(), dw1.data());
    benchmark::DoNotOptimize(dw1.data());
    benchmark::ClobberMemory();
  }
};

template <class T>
void gemm_floor(benchmark::State& state, std::size_t batch, int threads) {
  tapegrad::set_num_threads(threads);
  GemmFloor<T> floor(batch);
  const std::size_t before = allocation_count();
  for (auto _ : state)
    floor.run();
  // OpenBLAS's threaded driver allocates per call: the floor shows how much.
  state.counters["allocs_per_step"] =
      static_cast<double>(allocation_count() - before) / static_cast<double>(state.iterations());
}

// ------------------------------------------ step and floor, interleaved

// Separate benchmarks of the step and of the floor run minutes apart, and on
// a shared VM the machine's speed drifts by more than the difference we look
// for. mlp_step_vs_floor therefore times the three passes in one benchmark,
// in rounds: per round a block of k floor passes, k mlp_step passes (update
// during backward) and k mlp_step_update_after passes, each block timed with
// steady_clock, in the order F S A and then A S F in the next round, so that
// a steady drift favours no side. Each round gives one ratio per step kind
// (its block's time over the floor block's), and the median of those is the
// figure. k is the smallest count that makes a floor block last kBlockMs;
// short blocks keep most rounds clear of the other programs that share the
// machine's two cores, and the rounds during which the scheduler preempted
// one of our threads (getrusage's involuntary context switches) are left out
// when at least kMinClean rounds remain. Each repetition runs at least
// kMinRounds rounds and kRepetitionMs, and longer (up to kMaxRepetitionMs)
// while fewer than kMinRounds of its rounds ran without preemption; the ratio
// table pools the rounds of all repetitions.

constexpr double kBlockMs = 2.0;
constexpr std::size_t kMinRounds = 20;     // per repetition, and at least
constexpr double kRepetitionMs = 1000;     // this long; then on until kMinRounds
constexpr double kMaxRepetitionMs = 3000;  // rounds without preemption, or this long
constexpr std::size_t kMinClean = 10;      // such rounds in all, else all rounds count

/// The three passes a round times, in the order of the first round.
enum Pass : std::size_t { kFloor, kStep, kAfter, kPasses };

/// Involuntary context switches of the whole process so far (all threads):
/// the times the scheduler took a core from us for another program.
long preemptions() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_nivcsw;
}

/// Every round's per-pass times of one configuration, pooled over the
/// repetitions for the ratio table. The figures come from the rounds during
/// which no thread of ours was preempted, when there are kMinClean of them,
/// and else from all rounds.
struct Rounds {
  std::array<std::vector<double>, kPasses> ms;  // per pass, in each round
  std::vector<char> preempted;                  // per round
  std::array<std::size_t, kPasses> allocations{};
  std::size_t passes = 0;  // of each kind

  [[nodiscard]] std::size_t clean() const {
    return static_cast<std::size_t>(std::count(preempted.begin(), preempted.end(), 0));
  }
  [[nodiscard]] bool only_clean() const { return clean() >= kMinClean; }
  /// The per-round times of `pass`, or its per-round ratios to the floor.
  [[nodiscard]] std::vector<double> times(Pass pass, bool ratio = false) const {
    std::vector<double> out;
    const bool skip = only_clean();
    for (std::size_t i = 0; i < ms[pass].size(); ++i) {
      if (!(skip && preempted[i]))
        out.push_back(ratio ? ms[pass][i] / ms[kFloor][i] : ms[pass][i]);
    }
    return out;
  }
  [[nodiscard]] std::vector<double> ratios(Pass pass) const { return times(pass, true); }
  [[nodiscard]] double allocs_per_pass(Pass pass) const {
    return static_cast<double>(allocations[pass]) / static_cast<double>(passes);
  }
};

/// Per configuration ("f32/batch:128/threads:1"), in the order registered.
std::vector<std::pair<std::string, Rounds>> pooled;

template <class T>
void mlp_step_vs_floor(benchmark::State& state, std::size_t batch, int threads, std::size_t slot) {
  using Clock = std::chrono::steady_clock;
  tapegrad::set_num_threads(threads);
  GemmFloor<T> floor(batch);
  Mlp<T> during, after;
  Tape<T> during_tape, after_tape;
  MiniBatch<T> during_data(batch), after_data(batch);
  const auto run = [&](std::size_t pass) {
    if (pass == kFloor)
      floor.run();
    else if (pass == kStep)
      benchmark::DoNotOptimize(during.step(during_tape, during_data, SgdUpdate::during_backward));
    else
      benchmark::DoNotOptimize(after.step(after_tape, after_data, SgdUpdate::after_backward));
  };
  // Warm-up (buffers reach their sizes), then k from the floor.
  for (int k = 0; k < 2; ++k)
    for (std::size_t pass = 0; pass < kPasses; ++pass)
      run(pass);
  const int k = passes_per_block([&] { run(kFloor); }, kBlockMs);

  Rounds rounds;
  const auto time_one_round = [&](bool reversed) {
    std::array<double, kPasses> ms{};
    const long preempted_before = preemptions();
    for (std::size_t i = 0; i < kPasses; ++i) {
      const std::size_t pass = reversed ? kPasses - 1 - i : i;
      const std::size_t allocations = allocation_count();
      const auto block_start = Clock::now();
      for (int j = 0; j < k; ++j)
        run(pass);
      const auto block_end = Clock::now();
      rounds.allocations[pass] += allocation_count() - allocations;
      ms[pass] = std::chrono::duration<double, std::milli>(block_end - block_start).count() / k;
    }
    rounds.preempted.push_back(preemptions() != preempted_before);
    for (std::size_t pass = 0; pass < kPasses; ++pass)
      rounds.ms[pass].push_back(ms[pass]);
    rounds.passes += static_cast<std::size_t>(k);
  };
  for (auto _ : state) {  // once (Iterations(1)): the rounds are timed in here
    const auto repetition_start = Clock::now();
    const auto elapsed_ms = [&] {
      return std::chrono::duration<double, std::milli>(Clock::now() - repetition_start).count();
    };
    const auto more = [&] {
      const double ms = elapsed_ms();
      return rounds.ms[kFloor].size() < kMinRounds || ms < kRepetitionMs ||
             (rounds.clean() < kMinRounds && ms < kMaxRepetitionMs);
    };
    while (more()) {
      time_one_round(false);
      time_one_round(true);
    }
    // Google Benchmark's time column: the median mlp_step (update during backward).
    state.SetIterationTime(median(rounds.times(kStep)) / 1e3);
  }

  state.counters["ratio"] = median(rounds.ratios(kStep));
  state.counters["ratio_after"] = median(rounds.ratios(kAfter));
  state.counters["step_ms"] = median(rounds.times(kStep));
  state.counters["after_ms"] = median(rounds.times(kAfter));
  state.counters["floor_ms"] = median(rounds.times(kFloor));
  state.counters["rounds"] = static_cast<double>(rounds.preempted.size());
  state.counters["clean_rounds"] = static_cast<double>(rounds.clean());
  state.counters["allocs_per_step"] = rounds.allocs_per_pass(kStep);
  state.counters["after_allocs_per_step"] = rounds.allocs_per_pass(kAfter);
  state.counters["floor_allocs_per_step"] = rounds.allocs_per_pass(kFloor);
  state.counters["passes_per_block"] = k;

  Rounds& all = pooled[slot].second;
  for (std::size_t pass = 0; pass < kPasses; ++pass) {
    all.ms[pass].insert(all.ms[pass].end(), rounds.ms[pass].begin(), rounds.ms[pass].end());
    all.allocations[pass] += rounds.allocations[pass];
  }
  all.preempted.insert(all.preempted.end(), rounds.preempted.begin(), rounds.preempted.end());
  all.passes += rounds.passes;
}

// ------------------------------------------------------------- ratio table

/// From the rounds of mlp_step_vs_floor in this run (all repetitions; those
/// without preemption when there are enough): the medians of the per-round
/// times and of the per-round ratios to the floor of mlp_step (update during
/// backward) and mlp_step_update_after, their quartiles, and the
/// allocations per pass.
void print_ratios(const Recorded& /*recorded*/, std::FILE* out) {
  const auto row = [out](const auto&... cells) {
    fmt::print(out, "{:<24} {:>8} {:>8} {:>8} {:>7} {:>11} {:>7} {:>11} {:>10} {:>7} {:>7}\n",
               cells...);
  };
  // Other programs on the machine show here (and in Google Benchmark's header).
  std::array<double, 3> load{};
  if (getloadavg(load.data(), 3) != 3)
    load.fill(std::numeric_limits<double>::quiet_NaN());
  fmt::print(out,
             "\nmlp_step vs gemm_floor, interleaved: medians of per-round times and ratios "
             "(load average now {:.2f}, {:.2f}, {:.2f})\n",
             load[0], load[1], load[2]);
  row("", "step", "after", "floor", "step", "", "after", "", "rounds", "step", "floor");
  row("config", "ms", "ms", "ms", "ratio", "q1-q3", "ratio", "q1-q3", "used/all", "allocs",
      "allocs");
  bool any = false, fallback = false;
  const auto range = [](const std::vector<double>& v) {
    return fmt::format("{:.3f}-{:.3f}", quantile(v, 0.25), quantile(v, 0.75));
  };
  for (const auto& [config, rounds] : pooled) {
    if (rounds.ms[kFloor].empty())
      continue;  // filtered out
    any = true;
    fallback = fallback || !rounds.only_clean();
    const std::vector<double> step = rounds.ratios(kStep), after = rounds.ratios(kAfter);
    row(config, fmt::format("{:.3f}", median(rounds.times(kStep))),
        fmt::format("{:.3f}", median(rounds.times(kAfter))),
        fmt::format("{:.3f}", median(rounds.times(kFloor))), fmt::format("{:.3f}", median(step)),
        range(step), fmt::format("{:.3f}", median(after)), range(after),
        fmt::format("{}/{}{}", step.size(), rounds.preempted.size(),
                    rounds.only_clean() ? "" : "*"),
        fmt::format("{:.1f}", rounds.allocs_per_pass(kStep)),
        fmt::format("{:.1f}", rounds.allocs_per_pass(kFloor)));
  }
  if (!any)
    fmt::print(out, "(no mlp_step_vs_floor benchmark ran)\n");
  else if (fallback)
    fmt::print(out, "* fewer than {} rounds ran without preemption: all rounds used\n", kMinClean);
}

// ------------------------------------------------------- elementwise ops

/// One activation on a (512, 512) float64 batch, forward and backward, on
/// `threads` threads: what splitting large elementwise loops gains
/// (src/core/parallel.hpp) on a memory-bound op (relu) and a compute-bound
/// one (tanh).
void elementwise(benchmark::State& state, bool use_tanh, int threads) {
  tapegrad::set_num_threads(threads);
  const Tensor<double> x = random_tensor<double>({512, 512}, 11);
  Tensor<double> seed = Tensor<double>::from_shape({512, 512});
  seed.fill(1.0);
  Tape<double> tape;
  for (auto _ : state) {
    tape.reset();
    tapegrad::Var<double> v = tape.variable(x);
    tapegrad::Var<double> y = use_tanh ? tapegrad::tanh(v) : tapegrad::relu(v);
    tape.backward(y, seed);
    benchmark::DoNotOptimize(v.grad().data());
  }
  state.counters["ns_per_element"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 512 * 512,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <class T>
void register_mlp(std::size_t batch, int threads) {
  const std::string config = fmt::format("{}/batch:{}/threads:{}", dtype<T>(), batch, threads);
  benchmark::RegisterBenchmark(("gemm_floor/" + config).c_str(), gemm_floor<T>, batch, threads)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark(("mlp_step/" + config).c_str(), mlp_step<T>, batch, threads,
                               SgdUpdate::during_backward)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark(("mlp_step_update_after/" + config).c_str(), mlp_step<T>, batch,
                               threads, SgdUpdate::after_backward)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  pooled.emplace_back(config, Rounds{});
  benchmark::RegisterBenchmark(("mlp_step_vs_floor/" + config).c_str(), mlp_step_vs_floor<T>, batch,
                               threads, pooled.size() - 1)
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1)
      ->UseManualTime();
}

}  // namespace

int main(int argc, char** argv) {
  // First, so its peak_rss_MiB is the peak of this configuration alone.
  register_mlp<float>(128, 1);
  for (int threads : {1, 2}) {
    for (std::size_t batch : {32, 128, 512}) {
      if (!(batch == 128 && threads == 1))
        register_mlp<float>(batch, threads);
      register_mlp<double>(batch, threads);
    }
  }
  benchmark::RegisterBenchmark("scalar_chain/forward", scalar_chain, ChainPart::forward)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("scalar_chain/backward", scalar_chain, ChainPart::backward)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("scalar_chain/forward+backward", scalar_chain, ChainPart::both)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("rnn/hidden:64/steps:200", rnn)->Unit(benchmark::kMillisecond);
  for (const bool use_tanh : {false, true}) {
    for (const int threads : {1, 2}) {
      benchmark::RegisterBenchmark(fmt::format("elementwise/{}/f64/(512,512)/threads:{}",
                                               use_tanh ? "tanh" : "relu", threads)
                                       .c_str(),
                                   elementwise, use_tanh, threads)
          ->Unit(benchmark::kMicrosecond)
          ->UseRealTime();
    }
  }
  register_indexing_benchmarks();
  register_batched_matmul_benchmarks();
  register_replay_benchmarks();

  benchmark::AddCustomContext("openblas_core", openblas_get_corename());
  return run_and_print(argc, argv, print_ratios);
}
