// Step time of data-parallel training (README "Distributed training"): the
// Fashion-MNIST MLP (784-256-128-10, float32, Adam, global batch 128) on
// synthetic data.
//
//   tapegrad_dist_bench                      1 rank × 2 threads, batch 128
//   mpirun -np 2 tapegrad_dist_bench         2 ranks × 1 thread, batch 64 each
//
// With 2 ranks, per bucket size: the median step time, the median time the
// step waited for all-reduces after the sweep, and the same buckets
// all-reduced alone (the whole of a finish_step() with no gradient: zeros,
// every bucket started at once). hidden = 1 − waited / alone is the share of the
// all-reduce that ran behind the backward sweep.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <tapegrad/dist.hpp>
#include <tapegrad/tapegrad.hpp>

#include "statistics.hpp"

namespace {

using namespace tapegrad;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kGlobalBatch = 128;

struct Workload {
  nn::Sequential<float> net = nn::mlp<float>({784, 256, 128, 10}, {.seed = 1});
  nn::Dataset<float> batch;
  Tape<float> tape;

  explicit Workload(std::size_t rows) {
    nn::Rng rng(7);
    batch.features = Tensor<float>::from_shape({rows, 784});
    batch.labels = Tensor<float>::from_shape({rows});
    for (float& x : batch.features)
      x = static_cast<float>(rng.normal());
    for (float& y : batch.labels)
      y = static_cast<float>(rng.below(10));
  }
  Var<float> loss() {
    tape.reset();
    return cross_entropy(net(tape.constant(batch.features)), tape.constant(batch.labels));
  }
};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void one_process(int steps) {
  set_num_threads(2);
  Workload w(kGlobalBatch);
  nn::Adam<float> adam(w.net.parameters(), 1e-3f);
  std::vector<double> times;
  for (int s = 0; s < steps + 20; ++s) {
    const auto start = Clock::now();
    w.tape.backward(w.loss());
    adam.step();
    if (s >= 20)
      times.push_back(ms_since(start));
  }
  std::printf(
      "1 rank  x 2 threads, batch %zu: step %.3f ms (median of %d; 10th percentile %.3f, "
      "quartiles %.3f, %.3f)\n",
      kGlobalBatch, bench::median(times), steps, bench::quantile(times, 0.1),
      bench::quantile(times, 0.25), bench::quantile(times, 0.75));
}

void data_parallel(const dist::Context& context, int steps) {
  set_num_threads(1);
  const std::size_t rows = kGlobalBatch / static_cast<std::size_t>(context.size());
  for (std::size_t bucket_bytes :
       {std::size_t{25} << 20, std::size_t{256} << 10, std::size_t{64} << 10}) {
    Workload w(rows);
    nn::Adam<float> adam(w.net.parameters(), 1e-3f);
    dist::DataParallel<float> parallel(adam, {.bucket_bytes = bucket_bytes});
    std::vector<double> times, waits, alone;
    for (int s = 0; s < steps + 20; ++s) {
      MPI_Barrier(context.comm());  // ranks start each step together
      const auto start = Clock::now();
      parallel.backward(w.tape, w.loss());
      const double ms = ms_since(start);
      if (s >= 20) {
        times.push_back(ms);
        waits.push_back(1e3 * parallel.last_step().wait_seconds);
      }
    }
    for (int s = 0; s < steps; ++s) {
      MPI_Barrier(context.comm());
      const auto start = Clock::now();
      parallel.finish_step();  // no gradients: the buckets' all-reduces alone
      alone.push_back(ms_since(start));
    }
    const double waited = bench::median(waits), reduce = bench::median(alone);
    if (context.rank() == 0) {
      std::printf(
          "%d ranks x 1 thread,  batch %zu each, buckets of %5zu KiB (%zu): step %.3f ms "
          "(10th percentile %.3f, quartiles %.3f, %.3f); all-reduce alone %.3f ms, waited after "
          "the sweep %.3f ms: "
          "%.0f%% hidden\n",
          context.size(), rows, bucket_bytes >> 10, parallel.bucket_count(), bench::median(times),
          bench::quantile(times, 0.1), bench::quantile(times, 0.25), bench::quantile(times, 0.75),
          reduce, waited, 100 * std::max(0.0, 1 - waited / reduce));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 200;
  dist::Context context(argc, argv);
  return context.run([&] {
    if (context.size() == 1)
      one_process(steps);
    else
      data_parallel(context, steps);
  });
}
