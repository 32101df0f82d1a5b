// The indexing ops at memory speed: slice, concat, index, gather and
// embedding, forward and backward, in float32, each reported as ns per
// element written (counter ns_per_elt) next to two floors measured in the same
// run: memcpy and y += x over 4 MiB. Only the op is timed (manual time):
// recording the leaves and resetting the tape are not. A backward is
// tape.backward(y, seed) into fresh gradients, so it includes copying the
// seed into y's gradient (one pass over y) besides the op's backprop.
#include "indexing_benchmarks.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "workloads.hpp"

namespace tapegrad::bench {
namespace {

using Clock = std::chrono::steady_clock;

/// Times `timed` once per iteration, after an untimed `setup`, and reports
/// ns per element of `elements`.
void per_element(benchmark::State& state, std::size_t elements, const std::function<void()>& setup,
                 const std::function<void()>& timed) {
  double seconds = 0;
  for (auto _ : state) {
    setup();
    const auto start = Clock::now();
    timed();
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    state.SetIterationTime(s);
    seconds += s;
  }
  state.counters["ns_per_elt"] =
      seconds * 1e9 / (static_cast<double>(state.iterations()) * static_cast<double>(elements));
}

constexpr std::size_t kFloorElements = std::size_t{1} << 20;  // 4 MiB of float

void memcpy_floor(benchmark::State& state) {
  std::vector<float> from(kFloorElements, 1.0f), to(kFloorElements);
  per_element(
      state, kFloorElements, [] {},
      [&] {
        std::memcpy(to.data(), from.data(), kFloorElements * sizeof(float));
        benchmark::DoNotOptimize(to.data());
        benchmark::ClobberMemory();
      });
}

void add_floor(benchmark::State& state) {
  std::vector<float> from(kFloorElements, 1.0f), to(kFloorElements, 0.0f);
  per_element(
      state, kFloorElements, [] {},
      [&] {
        float* __restrict out = to.data();
        const float* __restrict in = from.data();
        for (std::size_t i = 0; i < kFloorElements; ++i)
          out[i] += in[i];
        benchmark::DoNotOptimize(to.data());
        benchmark::ClobberMemory();
      });
}

/// Whole numbers in [0, limit) as float, of `shape`.
Tensor<float> random_indices(const Shape& shape, std::size_t limit, unsigned seed) {
  std::mt19937 rng(seed);
  Tensor<float> t = Tensor<float>::from_shape(shape);
  for (float& v : t)
    v = static_cast<float>(rng() % limit);
  return t;
}

enum class Pass { forward, backward };

/// One op on fixed float32 inputs: `op` records it from the recorded leaves.
struct OpBench {
  std::vector<Tensor<float>> variables;
  std::vector<Tensor<float>> constants;
  std::function<Var<float>(const std::vector<Var<float>>&)> op;
};

/// The op's inputs are watched parameters, read in place (no copy onto the
/// tape, so they stay as warm in cache as the floors' buffers); a backward
/// starts from zero_grad(), so it writes fresh gradients.
void time_op(benchmark::State& state, const OpBench& bench, Pass pass) {
  std::vector<Parameter<float>> parameters;
  parameters.reserve(bench.variables.size());
  for (const Tensor<float>& v : bench.variables)
    parameters.emplace_back(v);
  Tape<float> tape;
  std::vector<Var<float>> leaves;
  const auto record_leaves = [&] {
    tape.reset();
    leaves.clear();
    for (Parameter<float>& p : parameters)
      leaves.push_back(tape.watch(p));
    for (const Tensor<float>& c : bench.constants)
      leaves.push_back(tape.constant(c));
  };
  record_leaves();
  const Var<float> first = bench.op(leaves);
  const Tensor<float> seed = random_tensor<float>(first.shape(), 7);
  if (pass == Pass::forward) {
    per_element(state, first.size(), record_leaves,
                [&] { benchmark::DoNotOptimize(bench.op(leaves).value().data()); });
    return;
  }
  std::size_t written = 0;  // the elements of the gradients the backprop writes
  for (const Parameter<float>& p : parameters)
    written += p.value().size();
  Var<float> y;
  per_element(
      state, written,
      [&] {
        record_leaves();
        y = bench.op(leaves);
        for (Parameter<float>& p : parameters)
          p.zero_grad();
      },
      [&] {
        tape.backward(y, seed);
        benchmark::DoNotOptimize(parameters[0].grad().data());
      });
}

/// The embedding's backward into a watched parameter's accumulating
/// gradient (the scatter alone), or into a fresh one after zero_grad()
/// (cleared first: a V × D memset), per element of g.
void embedding_backward_into_parameter(benchmark::State& state, bool fresh) {
  constexpr std::size_t kRows = 32768, kWidth = 256, kIds = 2048;
  Parameter<float> table(random_tensor<float>({kRows, kWidth}, 3), "E");
  const Tensor<float> ids = random_indices({kIds}, kRows, 4);
  const Tensor<float> seed = random_tensor<float>({kIds, kWidth}, 5);
  Tape<float> tape;
  Var<float> y;
  per_element(
      state, kIds * kWidth,
      [&] {
        tape.reset();
        y = embedding(tape.watch(table), tape.constant(ids));
        if (fresh)
          table.zero_grad();
      },
      [&] {
        tape.backward(y, seed);
        benchmark::DoNotOptimize(table.grad().data());
      });
}

void register_op(const std::string& name, const OpBench& bench,
                 std::vector<Pass> passes = {Pass::forward, Pass::backward}) {
  for (const Pass pass : passes) {
    benchmark::RegisterBenchmark(
        ("indexing/" + name + (pass == Pass::forward ? "/forward" : "/backward")).c_str(),
        [bench, pass](benchmark::State& state) { time_op(state, bench, pass); })
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

void register_indexing_benchmarks() {
  benchmark::RegisterBenchmark("indexing/floor/memcpy", memcpy_floor)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("indexing/floor/add", add_floor)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  // x (1024, 1024), the middle half of every row: runs of 512 floats.
  register_op("slice/(1024,1024)[:,256:768]",
              {{random_tensor<float>({1024, 1024}, 1)}, {}, [](const std::vector<Var<float>>& in) {
                 return slice(in[0], 1, 256, 768);
               }});
  // Four (1024, 256) joined along axis 1: runs of 256 floats.
  register_op("concat/4x(1024,256)/axis:1",
              {{random_tensor<float>({1024, 256}, 1), random_tensor<float>({1024, 256}, 2),
                random_tensor<float>({1024, 256}, 3), random_tensor<float>({1024, 256}, 4)},
               {},
               [](const std::vector<Var<float>>& in) { return concat(in, 1); }});
  // One time step of (batch 256, time 64, features 256): runs of 256 floats.
  register_op("index/(256,64,256)/axis:1",
              {{random_tensor<float>({256, 64, 256}, 1)},
               {},
               [](const std::vector<Var<float>>& in) { return index(in[0], 1, 5); }});
  // 64 random picks in each row of 512.
  register_op("gather/(1024,512)/index:(1024,64)",
              {{random_tensor<float>({1024, 512}, 1)},
               {random_indices({1024, 64}, 512, 2)},
               [](const std::vector<Var<float>>& in) { return gather(in[0], 1, in[1]); }});
  // 2048 random rows of a 32768 × 256 table (32 MiB); the backward into a
  // watched table, per element of g (2048 × 256).
  register_op("embedding/(32768,256)/ids:2048",
              {{random_tensor<float>({32768, 256}, 1)},
               {random_indices({2048}, 32768, 2)},
               [](const std::vector<Var<float>>& in) { return embedding(in[0], in[1]); }},
              {Pass::forward});
  benchmark::RegisterBenchmark("indexing/embedding/(32768,256)/ids:2048/backward_accumulate",
                               embedding_backward_into_parameter, false)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("indexing/embedding/(32768,256)/ids:2048/backward_zero_grad",
                               embedding_backward_into_parameter, true)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace tapegrad::bench
