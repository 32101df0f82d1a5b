// Rank-3 matmul against the same GEMMs called in a loop, one per batch entry,
// straight through cblas on preallocated buffers (the floor). Two products:
// 32 × (64×64)·(64×64) (rank 3 × rank 3) and (32×128×256)·(256×256) (rank 3
// × matrix, which tapegrad does as one GEMM over the 4096 rows, against 32
// GEMMs of 128 rows), each forward only and forward + backward (∂a and ∂b;
// the shared matrix's gradient summed over the batch, with beta = 1 after
// the first entry in the floor, as one GEMM over the rows in tapegrad).
//
// The operands are watched parameters, read in place; a pass is
// tape.reset(), the recording, and for backward zero_grad() and
// backward(y, g) (which copies g into y's gradient: one pass over y that
// the floor does not make). One thread (OpenBLAS's too). The tape and the
// floor take turns in blocks of k passes (a floor block ≥ 2 ms), in the
// order T F then F T, each block timed in the thread's CPU time, so that
// the other programs on this shared 2-core VM count only through what they
// do to the caches; the reported ratio is the median of the per-round
// ratios tape / floor, tape_ms and loop_ms the medians of the block times
// per pass.
#include "batched_matmul_benchmarks.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "cblas_gemm.hpp"
#include "statistics.hpp"
#include "workloads.hpp"

namespace tapegrad::bench {
namespace {

using Clock = std::chrono::steady_clock;

/// (batch, m, k) · (batch, k, n), or · (k, n) when b is shared.
struct Product {
  std::size_t batch, m, k, n;
  bool shared_b;
};

template <class T>
struct Operands {
  Parameter<T> a, b;
  Tensor<T> g;  // the seed of backward: ∂L/∂y
  std::vector<T> y, da, db;

  explicit Operands(const Product& p)
      : a(random_tensor<T>({p.batch, p.m, p.k}, 1), "a"),
        b(p.shared_b ? random_tensor<T>({p.k, p.n}, 2) : random_tensor<T>({p.batch, p.k, p.n}, 2),
          "b"),
        g(random_tensor<T>({p.batch, p.m, p.n}, 3)),
        y(p.batch * p.m * p.n),
        da(a.value().size()),
        db(b.value().size()) {}
};

/// The floor: the product's GEMMs, one per batch entry.
template <class T>
void loop_of_gemms(const Product& p, Operands<T>& o, bool backward) {
  const std::size_t sa = p.m * p.k, sb = p.shared_b ? 0 : p.k * p.n, sy = p.m * p.n;
  const T* a = o.a.value().data();
  const T* b = o.b.value().data();
  const T* g = o.g.data();
  for (std::size_t i = 0; i < p.batch; ++i)
    gemm(false, false, p.m, p.n, p.k, a + i * sa, b + i * sb, o.y.data() + i * sy);
  if (backward) {
    for (std::size_t i = 0; i < p.batch; ++i) {  // ∂a_i = g_i · b_iᵀ
      gemm(false, true, p.m, p.k, p.n, g + i * sy, b + i * sb, o.da.data() + i * sa);
    }
    for (std::size_t i = 0; i < p.batch; ++i) {  // ∂b_i = a_iᵀ · g_i, or their sum
      const T beta = p.shared_b && i > 0 ? T(1) : T(0);
      gemm(true, false, p.k, p.n, p.m, a + i * sa, g + i * sy, o.db.data() + i * sb, beta);
    }
  }
  benchmark::DoNotOptimize(o.db.data());
  benchmark::ClobberMemory();
}

template <class T>
void on_the_tape(Tape<T>& tape, Operands<T>& o, bool backward) {
  tape.reset();
  const Var<T> y = matmul(tape.watch(o.a), tape.watch(o.b));
  if (backward) {
    o.a.zero_grad();
    o.b.zero_grad();
    tape.backward(y, o.g);
  }
  benchmark::DoNotOptimize(y.id());
  benchmark::ClobberMemory();
}

/// The CPU time this thread has used: with one thread, every GEMM runs on
/// it, and time the scheduler gives other programs is not counted.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

constexpr double kBlockMs = 2.0;
constexpr std::size_t kMinRounds = 20;
constexpr double kMinMs = 1000;

template <class T>
void batched_matmul(benchmark::State& state, Product p, bool backward) {
  set_num_threads(1);
  Operands<T> operands(p);
  Tape<T> tape;
  const auto run = [&](bool floor) {
    if (floor)
      loop_of_gemms(p, operands, backward);
    else
      on_the_tape(tape, operands, backward);
  };
  run(true);  // warm-up: buffers reach their sizes
  run(false);
  const int k = passes_per_block([&] { run(true); }, kBlockMs);
  const auto block_ms = [&](bool floor) {
    const double start = thread_cpu_ms();
    for (int j = 0; j < k; ++j)
      run(floor);
    return (thread_cpu_ms() - start) / k;
  };

  std::vector<double> tape_ms, loop_ms, ratios;
  for (auto _ : state) {  // once (Iterations(1)): the rounds are timed in here
    const auto start = Clock::now();
    while (ratios.size() < kMinRounds ||
           std::chrono::duration<double, std::milli>(Clock::now() - start).count() < kMinMs) {
      const bool tape_first = ratios.size() % 2 == 0;
      const double first = block_ms(!tape_first);
      const double second = block_ms(tape_first);
      tape_ms.push_back(tape_first ? first : second);
      loop_ms.push_back(tape_first ? second : first);
      ratios.push_back(tape_ms.back() / loop_ms.back());
    }
    state.SetIterationTime(median(tape_ms) / 1e3);
  }
  state.counters["ratio"] = median(ratios);
  state.counters["ratio_q1"] = quantile(ratios, 0.25);
  state.counters["ratio_q3"] = quantile(ratios, 0.75);
  state.counters["tape_ms"] = median(tape_ms);
  state.counters["loop_ms"] = median(loop_ms);
  state.counters["rounds"] = static_cast<double>(ratios.size());
}

template <class T>
void register_product(const Product& p) {
  const std::string shape = p.shared_b
                                ? fmt::format("{}x{}x{}.{}x{}", p.batch, p.m, p.k, p.k, p.n)
                                : fmt::format("{}x({}x{}).({}x{})", p.batch, p.m, p.k, p.k, p.n);
  for (const bool backward : {false, true}) {
    const std::string name = fmt::format("batched_matmul_vs_loop/{}/{}/{}", dtype<T>(), shape,
                                         backward ? "forward+backward" : "forward");
    benchmark::RegisterBenchmark(name.c_str(), batched_matmul<T>, p, backward)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1)
        ->UseManualTime();
  }
}

}  // namespace

void register_batched_matmul_benchmarks() {
  for (const Product& p : {Product{32, 64, 64, 64, false}, Product{32, 128, 256, 256, true}}) {
    register_product<float>(p);
    register_product<double>(p);
  }
}

}  // namespace tapegrad::bench
