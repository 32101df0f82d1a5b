// tapegrad and libtorch side by side, in one process. Each workload of
// workloads.hpp runs as it does in engine_benchmark.cpp and again written
// with libtorch's C++ API, from the same initial values and inputs (checked
// before timing: both must compute the same losses). After the runs a table
// of tapegrad time / libtorch time is printed: below 1, tapegrad is faster.
//
// Built only where find_package(Torch) succeeds (Debian's libtorch-dev); see
// README "Side by side with libtorch". What is set so that the comparison is
// fair, and why:
//  * Threads: libtorch's torch::set_num_threads(n) sets its OpenMP loops but
//    does not reach OpenBLAS, which does its GEMMs (Debian's libtorch calls
//    the system BLAS); so each libtorch configuration also sets
//    openblas_set_num_threads(n), as tapegrad::set_num_threads(n) does.
//  * OMP_WAIT_POLICY=PASSIVE: libtorch's OpenMP workers otherwise spin after
//    each parallel loop and, on a machine with as many cores as threads, take
//    the cores OpenBLAS's threads need (libtorch 2-3× slower at 2 threads
//    on our 2-core VM). libgomp reads the variable when it is
//    loaded, before main, so when it is unset the program starts itself again
//    with it set. Set it yourself to try another value.
//  * glibc malloc: libtorch allocates its tensors every step; with glibc's
//    default thresholds, freeing them can hand the memory back to the OS and
//    the next step faults it in again (it has been seen to make libtorch up
//    to 2× slower at batch 512). mallopt keeps freed memory in the heap.
//    tapegrad allocates nothing in a warmed-up step, so this can only help
//    libtorch. --glibc_malloc_defaults skips it.
//  * Both sides flush denormals in the RNN, whose gradient vanishes.
//  * The libtorch SGD update runs under NoGradGuard and then sets the
//    gradients to none (PyTorch's default zero_grad since 2.0), so the next
//    backward writes fresh gradients instead of adding to zeroed ones.
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <fmt/format.h>
#include <malloc.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "allocation_counter.hpp"
#include "recording.hpp"
#include "torch_fairness.hpp"
#include "workloads.hpp"

namespace {

using namespace tapegrad::bench;
using tapegrad::Tape;
using tapegrad::Tensor;

// ------------------------------------------------------------------ MLP step

/// workloads.hpp's Mlp in libtorch, starting from that Mlp's values.
template <class T>
struct TorchMlp {
  std::array<torch::Tensor, 6> params;  // W1, b1, W2, b2, W3, b3

  explicit TorchMlp(const Mlp<T>& from)
      : params{to_torch(from.w1.value()), to_torch(from.b1.value()), to_torch(from.w2.value()),
               to_torch(from.b2.value()), to_torch(from.w3.value()), to_torch(from.b3.value())} {
    for (torch::Tensor& p : params)
      p.requires_grad_(true);
  }

  T step(const torch::Tensor& x, const torch::Tensor& labels) {
    const auto& [w1, b1, w2, b2, w3, b3] = params;
    torch::Tensor h1 = torch::relu(torch::linear(x, w1, b1));
    torch::Tensor h2 = torch::relu(torch::linear(h1, w2, b2));
    torch::Tensor logits = torch::linear(h2, w3, b3);
    torch::Tensor loss = torch::cross_entropy_loss(logits, labels);
    loss.backward();
    {
      torch::NoGradGuard no_grad;
      for (torch::Tensor& p : params) {
        p.sub_(p.grad(), 0.01);
        p.mutable_grad().reset();
      }
    }
    return loss.template item<T>();
  }
};

template <class T>
torch::Tensor torch_labels(std::size_t batch) {
  return to_torch(mlp_labels<T>(batch)).to(torch::kLong);
}

template <class T>
void torch_mlp_step(benchmark::State& state, std::size_t batch, int threads) {
  use_torch_threads(threads);
  TorchMlp<T> model{Mlp<T>{}};
  const torch::Tensor x = to_torch(mlp_inputs<T>(batch));
  const torch::Tensor labels = torch_labels<T>(batch);
  model.step(x, labels);  // warm-up: OpenMP's threads start, the allocator fills
  const std::size_t before = allocation_count();
  for (auto _ : state)
    benchmark::DoNotOptimize(model.step(x, labels));
  state.counters["allocs_per_step"] =
      static_cast<double>(allocation_count() - before) / static_cast<double>(state.iterations());
}

// -------------------------------------------------------------- scalar chain

/// record_chain in libtorch, on 0-dim double tensors; returns y.
torch::Tensor torch_chain(const torch::Tensor& a, const torch::Tensor& y0) {
  torch::Tensor y = y0;
  for (int i = 0; i < kChainLength; ++i)
    y = y * a + torch::sin(y);
  return y;
}

/// ChainPart::forward or ChainPart::both (forward and backward).
void torch_scalar_chain(benchmark::State& state, ChainPart part) {
  use_torch_threads(1);
  const auto options = torch::dtype(torch::kFloat64).requires_grad(true);
  torch::Tensor a = torch::scalar_tensor(kChainA, options);
  torch::Tensor y0 = torch::scalar_tensor(kChainY0, options);
  const auto run = [&] {
    // y's graph is freed on return, as tape.reset() frees tapegrad's.
    torch::Tensor y = torch_chain(a, y0);
    if (part == ChainPart::forward) {
      benchmark::DoNotOptimize(y.data_ptr());
      return;
    }
    y.backward();
    benchmark::DoNotOptimize(a.grad().data_ptr());
    a.mutable_grad().reset();
    y0.mutable_grad().reset();
  };
  run();  // warm-up
  for (auto _ : state)
    run();
  set_ns_per_chain_op(state);
}

// ----------------------------------------------------------------------- RNN

/// workloads.hpp's Rnn in libtorch, starting from that Rnn's values.
struct TorchRnn {
  torch::Tensor w, u, h0;
  std::vector<torch::Tensor> inputs;

  explicit TorchRnn(const Rnn& from)
      : w(to_torch(from.w.value()).requires_grad_(true)),
        u(to_torch(from.u.value()).requires_grad_(true)),
        h0(to_torch(from.h0)) {
    for (const Tensor<float>& x : from.inputs)
      inputs.push_back(to_torch(x));
  }

  float step() {
    torch::Tensor h = h0;
    for (const torch::Tensor& x : inputs)
      h = torch::tanh(torch::mv(w, h) + torch::mv(u, x));
    torch::Tensor loss = h.sum();
    loss.backward();
    w.mutable_grad().reset();
    u.mutable_grad().reset();
    return loss.item<float>();
  }
};

void torch_rnn(benchmark::State& state) {
  use_torch_threads(1);
  at::globalContext().setFlushDenormal(true);
  TorchRnn model{Rnn{}};
  model.step();
  for (auto _ : state)
    model.step();
  at::globalContext().setFlushDenormal(false);
}

// ------------------------------------------------------ same workload check

/// Fails unless tapegrad and libtorch agree to float precision.
void expect_close(std::string_view what, double ours, double theirs) {
  const double tolerance = 1e-4 * std::max(1.0, std::abs(ours));
  if (!(std::abs(ours - theirs) <= tolerance)) {
    fmt::print(stderr, "{}: tapegrad computes {} but libtorch {}: not the same workload\n", what,
               ours, theirs);
    std::exit(1);
  }
  benchmark::AddCustomContext(std::string(what), fmt::format("{:.6g} (both)", ours));
}

/// Runs each pair once: three MLP steps (the second loss shows that both
/// updates moved the weights alike; the third trains on the batch buffers
/// the tape handed back), the chain's value, the RNN's loss.
void check_same_workloads() {
  constexpr std::size_t kBatch = 32;
  Mlp<float> ours;
  TorchMlp<float> theirs{ours};
  Tape<float> tape;
  MiniBatch<float> data(kBatch);
  const torch::Tensor tx = to_torch(data.source_x), tlabels = torch_labels<float>(kBatch);
  for (const char* what : {"check_mlp_loss_step1", "check_mlp_loss_step2", "check_mlp_loss_step3"})
    expect_close(what, ours.step(tape, data), theirs.step(tx, tlabels));

  Tape<double> chain_tape;
  const auto options = torch::dtype(torch::kFloat64);
  expect_close(
      "check_chain_y", record_chain(chain_tape).item(),
      torch_chain(torch::scalar_tensor(kChainA, options), torch::scalar_tensor(kChainY0, options))
          .item<double>());

  Rnn rnn_ours;
  TorchRnn rnn_theirs{rnn_ours};
  expect_close("check_rnn_loss", rnn_ours.step(), rnn_theirs.step());
}

// ------------------------------------------------------------- ratio table

/// The names given to register_pair, in order.
std::vector<std::string> registered;

/// The benchmark's allocations per step, or nothing where it does not count.
std::string allocations(const Recorded& recorded, const std::string& name) {
  const auto counters = recorded.counters.find(name);
  if (counters == recorded.counters.end())
    return "";
  const auto found = counters->second.find("allocs_per_step");
  return found == counters->second.end() ? "" : fmt::format("{:.1f}", found->second);
}

void print_ratios(const Recorded& recorded, std::FILE* out) {
  fmt::print(out, "\n{:<40} {:>12} {:>12} {:>7} {:>10} {:>10}\n", "tapegrad vs libtorch",
             "tapegrad", "libtorch", "ratio", "allocs", "allocs");
  fmt::print(out, "{:<40} {:>12} {:>12} {:>7} {:>10} {:>10}\n", "", "", "", "", "tapegrad",
             "libtorch");
  for (const std::string& config : registered) {
    // Every pair runs with UseRealTime(), which names its runs so.
    const std::string name = "tapegrad/" + config + "/real_time";
    const std::string torch_name = "libtorch/" + config + "/real_time";
    const auto ours_found = recorded.times.find(name);
    const auto found = recorded.times.find(torch_name);
    if (ours_found == recorded.times.end() || found == recorded.times.end())
      continue;  // filtered out
    const double ours = ours_found->second, theirs = found->second;
    // Times are in ms; the chain is easier to read per recorded op.
    const bool chain = config.rfind("scalar_chain", 0) == 0;
    const double scale = chain ? 1e6 / kChainOps : 1.0;
    const char* unit = chain ? "ns/op" : "ms";
    const std::string allocs_ours = allocations(recorded, name);
    const std::string allocs_theirs = allocations(recorded, torch_name);
    fmt::print(out, "{:<40} {:>9.3f} {:<2} {:>9.3f} {:<2} {:>7.3f} {:>10} {:>10}\n", config,
               ours * scale, unit, theirs * scale, unit, ours / theirs, allocs_ours, allocs_theirs);
  }
}

/// Registers tapegrad/<name> and libtorch/<name>, one after the other, and
/// keeps the name for the ratio table.
template <class Ours, class Theirs>
void register_pair(const std::string& name, Ours ours, Theirs theirs) {
  registered.push_back(name);
  benchmark::RegisterBenchmark(("tapegrad/" + name).c_str(), ours)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark(("libtorch/" + name).c_str(), theirs)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

/// Removes --glibc_malloc_defaults from the command line; true if it was there.
bool take_malloc_flag(int& argc, char** argv) {
  bool found = false;
  int kept = 0;
  for (int i = 0; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--glibc_malloc_defaults")
      found = true;
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  return found;
}

}  // namespace

int main(int argc, char** argv) {
  restart_with_passive_openmp(argv);
  const std::string malloc_setting =
      take_malloc_flag(argc, argv) ? "glibc defaults" : keep_freed_memory_in_heap();

  // Before any setting of ours: what a libtorch program gets by default.
  benchmark::AddCustomContext("libtorch_default_threads", std::to_string(torch::get_num_threads()));
  check_same_workloads();

  for (int threads : {1, 2}) {
    for (std::size_t batch : {32, 128, 512}) {
      register_pair(
          fmt::format("mlp_step/f32/batch:{}/threads:{}", batch, threads),
          [=](benchmark::State& state) { mlp_step<float>(state, batch, threads); },
          [=](benchmark::State& state) { torch_mlp_step<float>(state, batch, threads); });
      // Ours with step() after backward, as libtorch's optimiser does it.
      register_pair(
          fmt::format("mlp_step_update_after/f32/batch:{}/threads:{}", batch, threads),
          [=](benchmark::State& state) {
            mlp_step<float>(state, batch, threads, SgdUpdate::after_backward);
          },
          [=](benchmark::State& state) { torch_mlp_step<float>(state, batch, threads); });
    }
  }
  for (const auto& [part_name, part] :
       {std::pair{"forward", ChainPart::forward}, std::pair{"forward+backward", ChainPart::both}}) {
    register_pair(
        std::string("scalar_chain/") + part_name,
        [part](benchmark::State& state) { scalar_chain(state, part); },
        [part](benchmark::State& state) { torch_scalar_chain(state, part); });
  }
  register_pair("rnn/hidden:64/steps:200", rnn, torch_rnn);

  benchmark::AddCustomContext("openblas_core", openblas_get_corename());
  benchmark::AddCustomContext("libtorch", TORCH_VERSION);
  benchmark::AddCustomContext("OMP_WAIT_POLICY", std::getenv("OMP_WAIT_POLICY"));
  benchmark::AddCustomContext("malloc", malloc_setting);
  return run_and_print(argc, argv, print_ratios);
}
