#include "replay_benchmarks.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstddef>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "workloads.hpp"

namespace tapegrad::bench {
namespace {

/// The chain recorded once, then per iteration a new y0 replayed through it
/// and the backward sweep: what a user evaluating one function at many
/// points pays with replay.
void replay_scalar_chain(benchmark::State& state) {
  Tape<double> tape;
  const Chain chain = record_scalar_chain(tape);
  std::vector<LeafValue<double>> values{{chain.y0, Tensor<double>(kChainY0)}};
  int k = 0;
  for (auto _ : state) {
    *values[0].value.data() = kChainY0 + 1e-3 * (k++ % 8);
    tape.replay(values);
    tape.backward(chain.y);
    benchmark::DoNotOptimize(tape.grad(chain.y0).data());
  }
  set_ns_per_chain_op(state);
}

/// mlp_step with the step recorded once and each new mini-batch replayed
/// (update during backward, as mlp_step).
template <class T>
void replay_mlp_step(benchmark::State& state, std::size_t batch, int threads) {
  set_num_threads(threads);
  Mlp<T> model;
  Tape<T> tape;
  MiniBatch<T> data(batch);
  const typename Mlp<T>::Pass pass = model.record(tape, data);
  const std::vector<LeafValue<T>> batch_values{{pass.x, data.source_x},
                                               {pass.labels, data.source_labels}};
  tape.backward(pass.loss, {.gradient_ready = &model.optimizer});  // warm-up
  for (auto _ : state) {
    tape.replay(batch_values);
    tape.backward(pass.loss, {.gradient_ready = &model.optimizer});
    benchmark::DoNotOptimize(pass.loss.item());
  }
}

}  // namespace

void register_replay_benchmarks() {
  benchmark::RegisterBenchmark("replay/scalar_chain", replay_scalar_chain)
      ->Unit(benchmark::kMillisecond);
  for (const std::size_t batch : {32, 128}) {
    benchmark::RegisterBenchmark(
        fmt::format("replay/mlp_step/f32/batch:{}/threads:1", batch).c_str(),
        replay_mlp_step<float>, batch, 1)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(
        fmt::format("replay/mlp_step/f64/batch:{}/threads:1", batch).c_str(),
        replay_mlp_step<double>, batch, 1)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace tapegrad::bench
