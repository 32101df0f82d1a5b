// tapegrad's benchmark suite. Every figure is reported next to the floor it
// is judged against, measured in the same run:
//   gemm_floor    the 8 GEMMs of one MLP training step, straight through cblas
//   mlp_step      that training step on the tape (784-512-256-10, ReLU,
//                 cross-entropy, backward, SGD update, reset)
//   scalar_chain  y = y·a + sin(y) repeated on rank-0 tensors
//   rnn           h ← tanh(W h + U x_t), 64 units, 200 steps, batch 1
// The last three live in workloads.hpp, which libtorch_side_by_side.cpp times
// too. After the runs a ratio table (mlp_step / gemm_floor) is printed (to
// stderr when --benchmark_format=json, so stdout stays valid JSON).
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "allocation_counter.hpp"
#include "recording.hpp"
#include "workloads.hpp"

namespace {

using namespace tapegrad::bench;

// ---------------------------------------------------------------- GEMM floor

template <class T>
void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, const T* a, const T* b,
          T* c) {
  const auto trans = [](bool t) { return t ? CblasTrans : CblasNoTrans; };
  const auto lda = static_cast<blasint>(ta ? m : k), ldb = static_cast<blasint>(tb ? k : n);
  const auto M = static_cast<blasint>(m), N = static_cast<blasint>(n), K = static_cast<blasint>(k);
  if constexpr (sizeof(T) == 4) {
    cblas_sgemm(CblasRowMajor, trans(ta), trans(tb), M, N, K, 1.0f, a, lda, b, ldb, 0.0f, c, N);
  } else {
    cblas_dgemm(CblasRowMajor, trans(ta), trans(tb), M, N, K, 1.0, a, lda, b, ldb, 0.0, c, N);
  }
}

template <class T>
void gemm_floor(benchmark::State& state, std::size_t batch, int threads) {
  tapegrad::set_num_threads(threads);
  const std::size_t B = batch;
  std::vector<T> x(B * kInput, T(0.1)), w1(kHidden1 * kInput, T(0.01)),
      w2(kHidden2 * kHidden1, T(0.01)), w3(kClasses * kHidden2, T(0.01)), h1(B * kHidden1),
      h2(B * kHidden2), y(B * kClasses), dy(B * kClasses, T(0.1)), dh2(B * kHidden2),
      dh1(B * kHidden1), dw1(w1.size()), dw2(w2.size()), dw3(w3.size());
  const std::size_t before = allocation_count();
  for (auto _ : state) {
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
  // OpenBLAS's threaded driver allocates per call: the floor shows how much.
  state.counters["allocs_per_step"] =
      static_cast<double>(allocation_count() - before) / static_cast<double>(state.iterations());
}

// ------------------------------------------------------------- ratio table

/// mlp_step (SGD update during backward) and mlp_step_update_after (step()
/// after backward) as ratios to gemm_floor.
void print_ratios(const Recorded& recorded, std::FILE* out) {
  fmt::print(out, "\n{:<24} {:>10} {:>10} {:>7} {:>13} {:>12} {:>12}\n", "mlp_step vs gemm_floor",
             "step ms", "floor ms", "ratio", "update after", "step allocs", "floor allocs");
  const std::string step = "mlp_step/";
  for (const auto& [name, time] : recorded.times) {
    if (name.rfind(step, 0) != 0)
      continue;
    const std::string config = name.substr(step.size());
    const auto floor = recorded.times.find("gemm_floor/" + config);
    if (floor == recorded.times.end())
      continue;
    const auto after = recorded.times.find("mlp_step_update_after/" + config);
    const std::string after_ratio =
        after == recorded.times.end() ? "-" : fmt::format("{:.3f}", after->second / floor->second);
    fmt::print(out, "{:<24} {:>10.3f} {:>10.3f} {:>7.3f} {:>13} {:>12.1f} {:>12.1f}\n",
               config.substr(0, config.find("/real_time")), time, floor->second,
               time / floor->second, after_ratio, recorded.counters.at(name).at("allocs_per_step"),
               recorded.counters.at(floor->first).at("allocs_per_step"));
  }
}

template <class T>
void register_mlp(std::size_t batch, int threads) {
  const std::string suffix = fmt::format("{}/batch:{}/threads:{}", dtype<T>(), batch, threads);
  benchmark::RegisterBenchmark(("gemm_floor/" + suffix).c_str(), gemm_floor<T>, batch, threads)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark(("mlp_step/" + suffix).c_str(), mlp_step<T>, batch, threads,
                               SgdUpdate::during_backward)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark(("mlp_step_update_after/" + suffix).c_str(), mlp_step<T>, batch,
                               threads, SgdUpdate::after_backward)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
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

  benchmark::AddCustomContext("openblas_core", openblas_get_corename());
  return run_and_print(argc, argv, print_ratios);
}
