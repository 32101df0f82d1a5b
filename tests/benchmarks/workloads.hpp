#pragma once
// The tapegrad workloads of the benchmarks, shared by engine_benchmark.cpp,
// libtorch_side_by_side.cpp and scalar_side_by_side.cpp (the chain) so that
// the programs time the very same code:
//   mlp_step      one training step of a 784-512-256-10 ReLU MLP (linear_relu
//                 hidden layers, a linear output layer, cross-entropy from
//                 logits, backward, SGD update, reset)
//   scalar_chain  y = y·a + sin(y) repeated on rank-0 tensors
//   rnn           h ← tanh(W h + U x_t), 64 units, 200 steps, batch 1
// The models' initial values and inputs come from fixed seeds, so the libtorch
// side can start from exactly the same numbers.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <random>
#include <utility>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "allocation_counter.hpp"

namespace tapegrad::bench {

constexpr std::size_t kInput = 784, kHidden1 = 512, kHidden2 = 256, kClasses = 10;

template <class T>
Tensor<T> random_tensor(const Shape& shape, unsigned seed, T scale = T(1)) {
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

// ------------------------------------------------------------------ MLP step

/// The mini-batch every mlp_step trains on.
template <class T>
Tensor<T> mlp_inputs(std::size_t batch) {
  return random_tensor<T>({batch, kInput}, 7);
}

/// Class i % 10 for sample i, as whole numbers in T (tapegrad's label type).
template <class T>
Tensor<T> mlp_labels(std::size_t batch) {
  // From a std::array: GCC 12 wrongly warns (-Wmaybe-uninitialized) on a Shape here.
  Tensor<T> labels = xt::zeros<T>(std::array<std::size_t, 1>{batch});
  for (std::size_t i = 0; i < batch; ++i)
    labels(i) = static_cast<T>(i % kClasses);
  return labels;
}

/// The mini-batch as a training loop holds it: each step moves x and the
/// labels onto the tape, and Tape::constant(Tensor&&) takes their buffers
/// without a copy and hands back what its slots held in the previous step —
/// that step's batch, the same one, as every step here trains on one. (A
/// loop over a DataLoader refills those buffers instead. gemm_floor and
/// libtorch's step read their input in place too.) Only the first step finds
/// nothing in the slots (a default tensor) and copies.
template <class T>
struct MiniBatch {
  explicit MiniBatch(std::size_t size)
      : source_x(mlp_inputs<T>(size)), source_labels(mlp_labels<T>(size)) {}

  const Tensor<T> source_x, source_labels;
  Tensor<T> x = source_x, labels = source_labels;

  /// `held` ready to be moved onto the tape (refilled from `source` if the
  /// tape handed back a default tensor).
  static Tensor<T>&& take(Tensor<T>& held, const Tensor<T>& source) {
    if (held.shape() != source.shape())
      held = source;
    return std::move(held);
  }
};

/// Where the SGD update happens: during backward (backward's gradient_ready;
/// plain SGD's update is then written by each linear layer's weight GEMM,
/// with no gradient buffer), or by step() after backward, as a second pass.
enum class SgdUpdate { during_backward, after_backward };

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
  nn::Sgd<T> optimizer{{&w1, &b1, &w2, &b2, &w3, &b3}, T(0.01)};

  /// The forward pass on one mini-batch: the batch's two leaves and the loss.
  struct Pass {
    Var<T> x, labels, loss;
  };
  Pass record(Tape<T>& tape, MiniBatch<T>& batch) {
    Pass p;
    p.x = tape.constant(MiniBatch<T>::take(batch.x, batch.source_x), "x");
    p.labels = tape.constant(MiniBatch<T>::take(batch.labels, batch.source_labels), "labels");
    Var<T> h1 = linear_relu(p.x, tape.watch(w1), tape.watch(b1));
    Var<T> h2 = linear_relu(h1, tape.watch(w2), tape.watch(b2));
    Var<T> logits = linear(h2, tape.watch(w3), tape.watch(b3));
    p.loss = cross_entropy(logits, p.labels);
    return p;
  }

  T step(Tape<T>& tape, MiniBatch<T>& batch, SgdUpdate update = SgdUpdate::during_backward) {
    tape.reset();
    const Var<T> loss = record(tape, batch).loss;
    if (update == SgdUpdate::during_backward) {
      tape.backward(loss, {.gradient_ready = &optimizer});
    } else {
      tape.backward(loss);
      optimizer.step();  // θ ← θ − α ∇θ, then an O(1) zero_grad
    }
    return loss.item();
  }
};

template <class T>
void mlp_step(benchmark::State& state, std::size_t batch, int threads,
              SgdUpdate update = SgdUpdate::during_backward) {
  set_num_threads(threads);
  Mlp<T> model;
  Tape<T> tape;
  MiniBatch<T> data(batch);
  for (int k = 0; k < 2; ++k)  // warm-up: buffers reach their sizes
    model.step(tape, data, update);
  const std::size_t before = allocation_count();
  for (auto _ : state)
    benchmark::DoNotOptimize(model.step(tape, data, update));
  const std::size_t allocations = allocation_count() - before;
  state.counters["allocs_per_step"] =
      static_cast<double>(allocations) / static_cast<double>(state.iterations());
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

// -------------------------------------------------------------- scalar chain

constexpr int kChainLength = 10000;  // statements; each records mul, sin, add
constexpr int kChainOps = 3 * kChainLength;
constexpr double kChainA = 0.999, kChainY0 = 0.5;

/// The chain's two inputs and its output.
struct Chain {
  Var<double> a, y0, y;
};

/// Records `length` statements y = y·a + sin(y) from a = kChainA, y = kChainY0.
inline Chain record_scalar_chain(Tape<double>& tape, int length = kChainLength) {
  Var<double> a = tape.variable(kChainA, "a");
  Var<double> y0 = tape.variable(kChainY0, "y0");
  Var<double> y = y0;
  for (int i = 0; i < length; ++i)
    y = y * a + sin(y);
  return {a, y0, y};
}

inline Var<double> record_chain(Tape<double>& tape) {
  return record_scalar_chain(tape).y;
}

/// Reports the time per recorded op of a benchmark that records kChainOps.
inline void set_ns_per_chain_op(benchmark::State& state) {
  state.counters["ns_per_op"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kChainOps,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

enum class ChainPart { forward, backward, both };

inline void scalar_chain(benchmark::State& state, ChainPart part) {
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
  set_ns_per_chain_op(state);
}

// ----------------------------------------------------------------------- RNN

constexpr std::size_t kRnnUnits = 64, kRnnSteps = 200;

struct Rnn {
  Parameter<float> w{random_tensor<float>({kRnnUnits, kRnnUnits}, 11, 0.1f), "W"};
  Parameter<float> u{random_tensor<float>({kRnnUnits, kRnnUnits}, 12, 0.1f), "U"};
  std::vector<Tensor<float>> inputs = [] {
    std::vector<Tensor<float>> xs;
    for (std::size_t t = 0; t < kRnnSteps; ++t)
      xs.push_back(random_tensor<float>({kRnnUnits}, 100 + t));
    return xs;
  }();
  Tensor<float> h0 = [] {
    Tensor<float> zeros = Tensor<float>::from_shape({kRnnUnits});
    zeros.fill(0.0f);  // from_shape leaves the values unset
    return zeros;
  }();
  Tape<float> tape;

  /// Forward through every step and backward from sum(h); returns the loss.
  float step() {
    tape.reset();
    Var<float> h = tape.constant(h0, "h0");
    Var<float> wv = tape.watch(w), uv = tape.watch(u);
    for (const Tensor<float>& x : inputs) {
      h = tanh(matmul(wv, h) + matmul(uv, tape.constant(x)));
    }
    Var<float> loss = sum(h);
    tape.backward(loss);
    w.zero_grad();
    u.zero_grad();
    return loss.item();
  }
};

inline void rnn(benchmark::State& state) {
  set_num_threads(1);
  // The gradient vanishes through 200 tanh steps; without this, its last
  // stretch runs through denormals at a few ns per FMA.
  set_flush_denormals(true);
  Rnn model;
  model.step();
  for (auto _ : state)
    model.step();
  set_flush_denormals(false);
}

}  // namespace tapegrad::bench
