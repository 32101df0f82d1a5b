// Hessian-vector products two ways (README "Forward mode"): reverse over
// reverse (hvp(): the recorded gradient swept once more) against forward
// over reverse (hvp_forward(): the recorded gradient's jvp), on the
// lecture's 2-2-2 network and on a 64-32-10 tanh MLP (batch 16, squared
// error), both with respect to the first layer's weight, and on the RNN of
// workloads.hpp (h ← tanh(W h + U x_t), 64 units, 200 steps, float32) with
// respect to W. Each iteration records the forward pass and the gradient
// afresh, as a training loop would.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <random>

#include <tapegrad/tapegrad.hpp>

#include "lecture/network.hpp"
#include "workloads.hpp"

namespace {

using namespace tapegrad;

Tensor<double> seeded_tensor(const Shape& shape, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 0.3);
  Tensor<double> t = Tensor<double>::from_shape(shape);
  for (double& e : t)
    e = normal(rng);
  return t;
}

struct TanhMlp {
  Parameter<double> w1{seeded_tensor({32, 64}, 1), "W1"};
  Parameter<double> b1{seeded_tensor({32}, 2), "b1"};
  Parameter<double> w2{seeded_tensor({10, 32}, 3), "W2"};
  Parameter<double> b2{seeded_tensor({10}, 4), "b2"};
  Tensor<double> x = seeded_tensor({16, 64}, 5);
  Tensor<double> t = seeded_tensor({16, 10}, 6);

  Var<double> loss(Tape<double>& tape, Var<double> w1v) {
    const Var<double> h = tanh(linear(tape.constant(x), w1v, tape.watch(b1)));
    const Var<double> y = linear(h, tape.watch(w2), tape.watch(b2));
    return mse(y, tape.constant(t));
  }
};

template <bool kForward>
void hvp_lecture(benchmark::State& state) {
  lecture::Network net;
  Tape<double> tape;
  const Tensor<double> v{{1.0, -0.5}, {0.25, 2.0}};
  for (auto _ : state) {
    tape.reset();
    const Var<double> loss = net.forward(tape).loss;
    const Var<double> w1 = tape.var(1);  // the watch of W(1), recorded right after x
    if constexpr (kForward) {
      benchmark::DoNotOptimize(hvp_forward(loss, w1, v, {.fallback = false}));
    } else {
      benchmark::DoNotOptimize(hvp(loss, w1, tape.constant(v)).value());
    }
  }
}

template <bool kForward>
void hvp_mlp(benchmark::State& state) {
  TanhMlp mlp;
  Tape<double> tape;
  const Tensor<double> v = seeded_tensor({32, 64}, 7);
  for (auto _ : state) {
    tape.reset();
    const Var<double> w1 = tape.watch(mlp.w1);
    const Var<double> loss = mlp.loss(tape, w1);
    if constexpr (kForward) {
      benchmark::DoNotOptimize(hvp_forward(loss, w1, v, {.fallback = false}));
    } else {
      benchmark::DoNotOptimize(hvp(loss, w1, tape.constant(v)).value());
    }
  }
}

template <bool kForward>
void hvp_rnn(benchmark::State& state) {
  set_flush_denormals(true);  // as the rnn workload: its gradient vanishes through the steps
  bench::Rnn model;
  Tape<float>& tape = model.tape;
  const Tensor<float> v = bench::random_tensor<float>({bench::kRnnUnits, bench::kRnnUnits}, 13);
  for (auto _ : state) {
    tape.reset();
    Var<float> h = tape.constant(model.h0, "h0");
    const Var<float> w = tape.watch(model.w);
    const Var<float> u = tape.watch(model.u);
    for (const Tensor<float>& x : model.inputs)
      h = tanh(matmul(w, h) + matmul(u, tape.constant(x)));
    const Var<float> loss = sum(h);
    if constexpr (kForward) {
      benchmark::DoNotOptimize(hvp_forward(loss, w, v, {.fallback = false}));
    } else {
      benchmark::DoNotOptimize(hvp(loss, w, tape.constant(v)).value());
    }
  }
  set_flush_denormals(false);
}

BENCHMARK(hvp_lecture<false>)->Name("hvp_lecture/reverse_over_reverse");
BENCHMARK(hvp_lecture<true>)->Name("hvp_lecture/forward_over_reverse");
BENCHMARK(hvp_mlp<false>)->Name("hvp_mlp/reverse_over_reverse");
BENCHMARK(hvp_mlp<true>)->Name("hvp_mlp/forward_over_reverse");
BENCHMARK(hvp_rnn<false>)->Name("hvp_rnn/reverse_over_reverse");
BENCHMARK(hvp_rnn<true>)->Name("hvp_rnn/forward_over_reverse");

}  // namespace
BENCHMARK_MAIN();
