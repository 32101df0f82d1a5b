// tapegrad's benchmark suite. Every figure is reported next to the floor it
// is judged against, measured in the same run:
//   gemm_floor    the 8 GEMMs of one MLP training step, straight through cblas
//   mlp_step      that training step on the tape (784-512-256-10, ReLU,
//                 cross-entropy, backward, SGD update, reset)
//   scalar_chain  y = y·a + sin(y) repeated on rank-0 tensors
//   rnn           h ← tanh(W h + U x_t), 64 units, 200 steps, batch 1
// After the runs a ratio table (mlp_step / gemm_floor) is printed (to
// stderr when --benchmark_format=json, so stdout stays valid JSON).
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "allocation_counter.hpp"

namespace {

using tapegrad::Parameter;
using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;

constexpr std::size_t kInput = 784, kHidden1 = 512, kHidden2 = 256, kClasses = 10;

template <class T>
Tensor<T> random_tensor(const tapegrad::Shape& shape, unsigned seed, T scale = T(1)) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<T> uniform(-scale, scale);
  Tensor<T> t = Tensor<T>::from_shape(shape);
  for (T& v : t)
    v = uniform(rng);
  return t;
}

template <class T>
const char* dtype() {
  return sizeof(T) == 4 ? "f32" : "f64";
}

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
  const std::size_t before = tapegrad::bench::allocation_count();
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
      static_cast<double>(tapegrad::bench::allocation_count() - before) /
      static_cast<double>(state.iterations());
}

// ------------------------------------------------------------------ MLP step

template <class T>
struct Mlp {
  Parameter<T> w1{random_tensor<T>({kHidden1, kInput}, 1, T(0.05)), "W1"};
  Parameter<T> b1{Tensor<T>::from_shape({kHidden1}), "b1"};
  Parameter<T> w2{random_tensor<T>({kHidden2, kHidden1}, 2, T(0.05)), "W2"};
  Parameter<T> b2{Tensor<T>::from_shape({kHidden2}), "b2"};
  Parameter<T> w3{random_tensor<T>({kClasses, kHidden2}, 3, T(0.05)), "W3"};
  Parameter<T> b3{Tensor<T>::from_shape({kClasses}), "b3"};

  Mlp() {
    for (Parameter<T>* p : {&b1, &b2, &b3})
      p->value().fill(T(0));
  }

  /// One SGD step on one mini-batch; returns the loss.
  tapegrad::nn::Sgd<T> optimizer{{&w1, &b1, &w2, &b2, &w3, &b3}, T(0.01)};

  T step(Tape<T>& tape, const Tensor<T>& x, const Tensor<T>& labels) {
    tape.reset();
    Var<T> input = tape.constant(x, "x");
    Var<T> h1 = relu(linear(input, tape.watch(w1), tape.watch(b1)));
    Var<T> h2 = relu(linear(h1, tape.watch(w2), tape.watch(b2)));
    Var<T> logits = linear(h2, tape.watch(w3), tape.watch(b3));
    Var<T> loss = cross_entropy(logits, tape.constant(labels, "labels"));
    // θ ← θ − α ∇θ for each layer as soon as backward has its gradient,
    // while that gradient is still in cache (then an O(1) zero_grad).
    tape.backward(loss, {.gradient_ready = &optimizer});
    return loss.item();
  }
};

template <class T>
void mlp_step(benchmark::State& state, std::size_t batch, int threads) {
  tapegrad::set_num_threads(threads);
  Mlp<T> model;
  Tape<T> tape;
  const Tensor<T> x = random_tensor<T>({batch, kInput}, 7);
  Tensor<T> labels = Tensor<T>::from_shape({batch});
  for (std::size_t i = 0; i < batch; ++i)
    labels(i) = static_cast<T>(i % kClasses);
  model.step(tape, x, labels);  // warm-up: buffers reach their sizes
  const std::size_t before = tapegrad::bench::allocation_count();
  for (auto _ : state)
    benchmark::DoNotOptimize(model.step(tape, x, labels));
  const std::size_t allocations = tapegrad::bench::allocation_count() - before;
  state.counters["allocs_per_step"] =
      static_cast<double>(allocations) / static_cast<double>(state.iterations());
  state.counters["peak_rss_MiB"] = tapegrad::bench::peak_rss_mib();
}

// -------------------------------------------------------------- scalar chain

constexpr int kChainLength = 10000;  // statements; each records mul, sin, add
constexpr int kChainOps = 3 * kChainLength;

Var<double> record_chain(Tape<double>& tape) {
  Var<double> a = tape.variable(Tensor<double>(0.999), "a");
  Var<double> y = tape.variable(Tensor<double>(0.5), "y0");
  for (int i = 0; i < kChainLength; ++i)
    y = y * a + sin(y);
  return y;
}

enum class ChainPart { forward, backward, both };

void scalar_chain(benchmark::State& state, ChainPart part) {
  Tape<double> tape;
  record_chain(tape);  // warm-up
  for (auto _ : state) {
    if (part == ChainPart::backward)
      state.PauseTiming();
    tape.reset();
    Var<double> y = record_chain(tape);
    if (part == ChainPart::backward)
      state.ResumeTiming();
    if (part == ChainPart::forward) {
      benchmark::DoNotOptimize(y.item());
      continue;
    }
    tape.backward(y);
    benchmark::DoNotOptimize(tape.grad(y).data());
  }
  state.counters["ns_per_op"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kChainOps,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// ----------------------------------------------------------------------- RNN

void rnn(benchmark::State& state) {
  constexpr std::size_t kUnits = 64, kSteps = 200;
  tapegrad::set_num_threads(1);
  // The gradient vanishes through 200 tanh steps; without this, its last
  // stretch runs through denormals at a few ns per FMA.
  tapegrad::set_flush_denormals(true);
  Parameter<float> w(random_tensor<float>({kUnits, kUnits}, 11, 0.1f), "W");
  Parameter<float> u(random_tensor<float>({kUnits, kUnits}, 12, 0.1f), "U");
  std::vector<Tensor<float>> inputs;
  for (std::size_t t = 0; t < kSteps; ++t)
    inputs.push_back(random_tensor<float>({kUnits}, 100 + t));
  Tape<float> tape;
  const auto step = [&] {
    tape.reset();
    Var<float> h = tape.constant(Tensor<float>::from_shape({kUnits}), "h0");
    Var<float> wv = tape.watch(w), uv = tape.watch(u);
    for (const Tensor<float>& x : inputs) {
      h = tanh(matmul(wv, h) + matmul(uv, tape.constant(x)));
    }
    Var<float> loss = sum(h);
    tape.backward(loss);
    w.zero_grad();
    u.zero_grad();
  };
  step();
  for (auto _ : state)
    step();
  tapegrad::set_flush_denormals(false);
}

// ------------------------------------------------------------- ratio table

/// Keeps every run's time so the ratio table can be printed at the end.
template <class Base>
class Recording : public Base {
 public:
  void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run>& runs) override {
    for (const auto& run : runs) {
      if (run.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate &&
          run.aggregate_name != "median") {
        continue;
      }
      times[run.run_name.str()] = run.GetAdjustedRealTime();
      for (const auto& [name, counter] : run.counters)
        counters[run.run_name.str()][name] = counter.value;
    }
    Base::ReportRuns(runs);
  }
  std::map<std::string, double> times;
  std::map<std::string, std::map<std::string, double>> counters;
};

template <class R>
void print_ratios(const R& recorded, std::FILE* out) {
  fmt::print(out, "\n{:<24} {:>10} {:>10} {:>7} {:>12} {:>12}\n", "mlp_step vs gemm_floor",
             "step ms", "floor ms", "ratio", "step allocs", "floor allocs");
  for (const auto& [name, time] : recorded.times) {
    if (name.rfind("mlp_step/", 0) != 0)
      continue;
    const std::string floor = "gemm_floor/" + name.substr(9);
    const auto found = recorded.times.find(floor);
    if (found == recorded.times.end())
      continue;
    std::string config = name.substr(9);
    config = config.substr(0, config.find("/real_time"));
    fmt::print(out, "{:<24} {:>10.3f} {:>10.3f} {:>7.3f} {:>12.1f} {:>12.1f}\n", config, time,
               found->second, time / found->second,
               recorded.counters.at(name).at("allocs_per_step"),
               recorded.counters.at(floor).at("allocs_per_step"));
  }
}

template <class T>
void register_mlp(std::size_t batch, int threads) {
  const std::string suffix = fmt::format("{}/batch:{}/threads:{}", dtype<T>(), batch, threads);
  benchmark::RegisterBenchmark(("gemm_floor/" + suffix).c_str(), gemm_floor<T>, batch, threads)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark(("mlp_step/" + suffix).c_str(), mlp_step<T>, batch, threads)
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
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  bool json = false;
  for (int i = 1; i < argc; ++i)
    json = json || std::string(argv[i]) == "--benchmark_format=json";
  if (json) {
    Recording<benchmark::JSONReporter> reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_ratios(reporter, stderr);
  } else {
    Recording<benchmark::ConsoleReporter> reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_ratios(reporter, stdout);
  }
  benchmark::Shutdown();
}
