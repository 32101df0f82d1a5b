// An LSTM language model in tapegrad and in libtorch, side by side in one
// process: Embedding(V, E) → LSTM(E, H), one layer, batch_first → Linear(H, V)
// → cross-entropy of the next token at every time step (the mean over
// batch·time), Adam 1e-3. libtorch runs its own modules (torch::nn::Embedding,
// LSTM, Linear) with tapegrad's initial weights copied in, and both see the
// same batches: token sequences from a seeded RNG that follow a noisy rule
// (each token mostly the previous one plus a fixed step), so there is
// something to learn.
//
// First the check: 20 training steps in float64 and 20 in float32 from the
// same start, each step's loss compared; the largest relative difference is
// printed and the program exits 1 when it exceeds 1e-10 (float64) or 1e-4
// (float32). Then the timing, float32: a step is forward + backward + Adam's
// update (tapegrad's during backward, its usual loop; libtorch's step() after,
// gradients then set to none). For each thread count, blocks of steps of the
// two alternate A B, B A, …, and each pair of blocks gives a ratio; the
// medians of those ratios are printed, of wall time and of process CPU time
// (getrusage). The fairness settings are those of libtorch_side_by_side.cpp
// (torch_fairness.hpp).
//
//   tapegrad_vs_libtorch_lstm [--batch 32] [--seq 32] [--hidden 256] [--embed 64]
//                             [--vocab 64] [--threads 1,2] [--pairs 10] [--block-ms 300]
//                             [--profile tapegrad|libtorch --steps N]
//
// --profile runs only N float32 steps of one side at the first thread count,
// no check and no other timing, for `perf record`.
#include <sys/resource.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "statistics.hpp"
#include "torch_fairness.hpp"

namespace {

using namespace tapegrad;
using Clock = std::chrono::steady_clock;

struct Settings {
  std::size_t batch = 32;
  std::size_t seq = 32;
  std::size_t hidden = 256;
  std::size_t embed = 64;
  std::size_t vocab = 64;
  std::vector<int> threads = {1, 2};
  int pairs = 10;
  double block_ms = 300;
  std::string profile;  // "", "tapegrad" or "libtorch"
  int profile_steps = 100;
};

std::vector<int> parse_threads(std::string_view list) {
  std::vector<int> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const int n = std::atoi(std::string(list.substr(start, comma - start)).c_str());
    if (n < 1)
      throw ValueError("--threads takes a comma-separated list of counts ≥ 1, got '" +
                       std::string(list) + "'");
    out.push_back(n);
    start = comma + 1;
  }
  return out;
}

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc)
      throw ValueError("option '" + std::string(flag) + "' needs a value");
    const char* value = argv[i + 1];
    // Negative sizes would wrap around: refused here, zero by the check below.
    const auto size = [&](const char* v) {
      const long n = std::atol(v);
      if (n < 0)
        throw ValueError("option '" + std::string(flag) + "' must be ≥ 0, got " + v);
      return static_cast<std::size_t>(n);
    };
    if (flag == "--batch")
      s.batch = size(value);
    else if (flag == "--seq")
      s.seq = size(value);
    else if (flag == "--hidden")
      s.hidden = size(value);
    else if (flag == "--embed")
      s.embed = size(value);
    else if (flag == "--vocab")
      s.vocab = size(value);
    else if (flag == "--threads")
      s.threads = parse_threads(value);
    else if (flag == "--pairs")
      s.pairs = std::atoi(value);
    else if (flag == "--block-ms")
      s.block_ms = std::atof(value);
    else if (flag == "--profile")
      s.profile = value;
    else if (flag == "--steps")
      s.profile_steps = std::atoi(value);
    else
      throw ValueError("unknown option '" + std::string(flag) +
                       "' (--batch, --seq, --hidden, --embed, --vocab, --threads, --pairs, "
                       "--block-ms, --profile, --steps)");
  }
  if (!s.profile.empty() && s.profile != "tapegrad" && s.profile != "libtorch")
    throw ValueError("--profile takes tapegrad or libtorch, got '" + s.profile + "'");
  if (s.batch < 1 || s.seq < 1 || s.hidden < 1 || s.embed < 1 || s.vocab < 2 || s.pairs < 1 ||
      s.profile_steps < 1 || !(s.block_ms > 0))
    throw ValueError(
        "--batch, --seq, --hidden, --embed, --pairs, --steps must be ≥ 1, --vocab ≥ 2, "
        "--block-ms > 0");
  return s;
}

/// Inputs (batch, seq) and their next tokens (batch·seq), as whole numbers.
struct Batch {
  std::vector<std::int64_t> inputs, targets;
};

/// Each sequence starts anywhere; each next token is the previous one plus 7
/// (mod V) with probability 3/4, any token otherwise.
std::vector<Batch> make_batches(const Settings& s, std::size_t count, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<std::int64_t> token(0, static_cast<std::int64_t>(s.vocab) - 1);
  std::uniform_int_distribution<int> coin(0, 3);
  const auto v = static_cast<std::int64_t>(s.vocab);
  std::vector<Batch> batches(count);
  for (Batch& b : batches) {
    for (std::size_t row = 0; row < s.batch; ++row) {
      std::int64_t current = token(engine);
      for (std::size_t t = 0; t <= s.seq; ++t) {
        if (t < s.seq)
          b.inputs.push_back(current);
        if (t > 0)
          b.targets.push_back(current);
        current = coin(engine) == 0 ? token(engine) : (current + 7) % v;
      }
    }
  }
  return batches;
}

template <class T>
Tensor<T> as_tensor(const std::vector<std::int64_t>& values, const Shape& shape) {
  Tensor<T> t = Tensor<T>::from_shape(shape);
  std::transform(values.begin(), values.end(), t.begin(),
                 [](std::int64_t v) { return static_cast<T>(v); });
  return t;
}

template <class T>
class Ours {
 public:
  Ours(const Settings& s, std::uint64_t seed)
      : s_(s),
        rng_(seed),
        embedding_(s.vocab, s.embed, rng_),
        lstm_(s.embed, s.hidden, rng_),
        head_(s.hidden, s.vocab, nn::Init::xavier_uniform, rng_, "head"),
        adam_(parameters(), T(1e-3)) {}

  /// Embedding, LSTM (weight_ih, weight_hh, bias_ih, bias_hh), head (W, b).
  std::vector<Parameter<T>*> parameters() {
    return {&embedding_.weight(), &lstm_.weight_ih(), &lstm_.weight_hh(), &lstm_.bias_ih(),
            &lstm_.bias_hh(),     &head_.weight(),    &head_.bias()};
  }

  T step(const Batch& b) {
    tape_.reset();
    const Var<T> ids = tape_.constant(as_tensor<T>(b.inputs, {s_.batch, s_.seq}));
    const Var<T> logits = head_(lstm_(embedding_(ids)));
    const Var<T> loss = cross_entropy(reshape(logits, {s_.batch * s_.seq, s_.vocab}),
                                      tape_.constant(as_tensor<T>(b.targets, {b.targets.size()})));
    tape_.backward(loss, {.gradient_ready = &adam_});
    return loss.item();
  }

 private:
  Settings s_;
  nn::Rng rng_;
  nn::Embedding<T> embedding_;
  nn::LSTM<T> lstm_;
  nn::Linear<T> head_;
  nn::Adam<T> adam_;
  Tape<T> tape_;
};

template <class T>
class Theirs {
 public:
  /// Copies of `weights`, in the order of Ours::parameters().
  Theirs(const Settings& s, const std::vector<Parameter<T>*>& weights)
      : s_(s),
        embedding_(torch::nn::EmbeddingOptions(static_cast<std::int64_t>(s.vocab),
                                               static_cast<std::int64_t>(s.embed))),
        lstm_(torch::nn::LSTMOptions(static_cast<std::int64_t>(s.embed),
                                     static_cast<std::int64_t>(s.hidden))
                  .batch_first(true)),
        head_(static_cast<std::int64_t>(s.hidden), static_cast<std::int64_t>(s.vocab)) {
    embedding_->to(c10::CppTypeToScalarType<T>::value);
    lstm_->to(c10::CppTypeToScalarType<T>::value);
    head_->to(c10::CppTypeToScalarType<T>::value);
    const std::vector<torch::Tensor> targets = {embedding_->weight,
                                                lstm_->named_parameters()["weight_ih_l0"],
                                                lstm_->named_parameters()["weight_hh_l0"],
                                                lstm_->named_parameters()["bias_ih_l0"],
                                                lstm_->named_parameters()["bias_hh_l0"],
                                                head_->weight,
                                                head_->bias};
    {
      torch::NoGradGuard no_grad;
      for (std::size_t k = 0; k < targets.size(); ++k)
        targets[k].copy_(bench::to_torch(weights[k]->value()));
    }
    for (const torch::Tensor& p : targets)
      params_.push_back(p);
    adam_ = std::make_unique<torch::optim::Adam>(params_, torch::optim::AdamOptions(1e-3));
  }

  T step(const Batch& b) {
    const auto n = static_cast<std::int64_t>(s_.batch * s_.seq);
    const torch::Tensor ids =
        torch::tensor(b.inputs, torch::kLong)
            .view({static_cast<std::int64_t>(s_.batch), static_cast<std::int64_t>(s_.seq)});
    const torch::Tensor targets = torch::tensor(b.targets, torch::kLong);
    const torch::Tensor h = std::get<0>(lstm_->forward(embedding_->forward(ids)));
    const torch::Tensor logits = head_->forward(h).reshape({n, -1});
    const torch::Tensor loss = torch::cross_entropy_loss(logits, targets);
    loss.backward();
    adam_->step();
    for (torch::Tensor& p : params_)
      p.mutable_grad().reset();  // set to none, PyTorch 2's default zero_grad
    return loss.item<T>();
  }

 private:
  Settings s_;
  torch::nn::Embedding embedding_;
  torch::nn::LSTM lstm_;
  torch::nn::Linear head_;
  std::vector<torch::Tensor> params_;
  std::unique_ptr<torch::optim::Adam> adam_;
};

/// 20 steps of both from the same start: the largest relative difference of
/// their losses, with the first and last losses printed.
template <class T>
double largest_loss_difference(const Settings& s, const std::vector<Batch>& batches,
                               const char* name) {
  Ours<T> ours(s, 1);
  Theirs<T> theirs(s, ours.parameters());
  double largest = 0;
  T first = 0, last = 0;
  for (std::size_t k = 0; k < 20; ++k) {
    const T a = ours.step(batches[k % batches.size()]);
    const T b = theirs.step(batches[k % batches.size()]);
    largest = std::max(largest, std::abs(static_cast<double>(a) - static_cast<double>(b)) /
                                    std::abs(static_cast<double>(b)));
    if (!(std::isfinite(a) && std::isfinite(b)))
      largest = INFINITY;
    (k == 0 ? first : last) = a;
  }
  std::printf("%s: loss %.6f at step 1, %.6f at step 20; largest relative difference %.2e\n", name,
              static_cast<double>(first), static_cast<double>(last), largest);
  return largest;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// The matrix products one training step cannot do without, alone, with
/// cblas_sgemm into preallocated buffers: forward, the input projection of
/// all steps, h W_hhᵀ per step and the head; backward, per step the
/// gradients of h and W_hh, and for the projection and the head those of
/// their input and weight. Both libraries' steps do at least these.
class GemmFloor {
 public:
  explicit GemmFloor(const Settings& s)
      : rows_(static_cast<int>(s.batch * s.seq)),
        batch_(static_cast<int>(s.batch)),
        steps_(static_cast<int>(s.seq)),
        in_(static_cast<int>(s.embed)),
        gates_(static_cast<int>(4 * s.hidden)),
        hidden_(static_cast<int>(s.hidden)),
        vocab_(static_cast<int>(s.vocab)),
        x_(buffer(rows_ * in_)),
        w_ih_(buffer(gates_ * in_)),
        w_hh_(buffer(gates_ * hidden_)),
        w_head_(buffer(vocab_ * hidden_)),
        projections_(buffer(rows_ * gates_)),
        hs_(buffer(rows_ * hidden_)),
        logits_(buffer(rows_ * vocab_)),
        dx_(buffer(rows_ * in_)) {}

  void step() {
    const auto gemm = [](CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k,
                         const float* a, int lda, const float* b, int ldb, float beta, float* c,
                         int ldc) {
      cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1, a, lda, b, ldb, beta, c, ldc);
    };
    const auto N = CblasNoTrans;
    const auto Tr = CblasTrans;
    const auto at = [](std::vector<float>& v, int t, int size) {
      return v.data() + static_cast<std::size_t>(t) * static_cast<std::size_t>(size);
    };
    gemm(N, Tr, rows_, gates_, in_, x_.data(), in_, w_ih_.data(), in_, 0, projections_.data(),
         gates_);
    for (int t = 0; t < steps_; ++t)
      gemm(N, Tr, batch_, gates_, hidden_, at(hs_, t, batch_ * hidden_), hidden_, w_hh_.data(),
           hidden_, 1, at(projections_, t, batch_ * gates_), gates_);
    gemm(N, Tr, rows_, vocab_, hidden_, hs_.data(), hidden_, w_head_.data(), hidden_, 0,
         logits_.data(), vocab_);
    // Backward, the forward buffers standing in for the gradients of their shapes.
    gemm(N, N, rows_, hidden_, vocab_, logits_.data(), vocab_, w_head_.data(), hidden_, 0,
         hs_.data(), hidden_);
    gemm(Tr, N, vocab_, hidden_, rows_, logits_.data(), vocab_, hs_.data(), hidden_, 0,
         w_head_.data(), hidden_);
    for (int t = 0; t < steps_; ++t) {
      const float* dgates = at(projections_, t, batch_ * gates_);
      float* h = at(hs_, t, batch_ * hidden_);
      gemm(N, N, batch_, hidden_, gates_, dgates, gates_, w_hh_.data(), hidden_, 1, h, hidden_);
      gemm(Tr, N, gates_, hidden_, batch_, dgates, gates_, h, hidden_, 1, w_hh_.data(), hidden_);
    }
    gemm(N, N, rows_, in_, gates_, projections_.data(), gates_, w_ih_.data(), in_, 0, dx_.data(),
         in_);
    gemm(Tr, N, gates_, in_, rows_, projections_.data(), gates_, x_.data(), in_, 0, w_ih_.data(),
         in_);
  }

 private:
  // Zeros: no value can grow through the repeated products.
  static std::vector<float> buffer(int size) {
    return std::vector<float>(static_cast<std::size_t>(size), 0.0f);
  }

  int rows_, batch_, steps_, in_, gates_, hidden_, vocab_;
  std::vector<float> x_, w_ih_, w_hh_, w_head_, projections_, hs_, logits_, dx_;
};

struct Block {
  double wall_ms = 0;  // per step
  double cpu_ms = 0;
};

template <class Model>
Block time_block(Model& model, const std::vector<Batch>& batches, int steps, std::size_t& next) {
  const double cpu = cpu_seconds();
  const auto start = Clock::now();
  for (int i = 0; i < steps; ++i) {
    if constexpr (std::is_same_v<Model, GemmFloor>)
      model.step();
    else
      model.step(batches[next++ % batches.size()]);
  }
  const double wall = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return {wall / steps, 1e3 * (cpu_seconds() - cpu) / steps};
}

void time_at(const Settings& s, const std::vector<Batch>& batches, int threads) {
  set_num_threads(threads);
  bench::use_torch_threads(threads);
  Ours<float> ours(s, 1);
  Theirs<float> theirs(s, ours.parameters());
  std::size_t next_ours = 0, next_theirs = 0;
  // Warm-up, and the block length from the slower side's fastest step.
  const int steps =
      std::max(bench::passes_per_block([&] { ours.step(batches[next_ours++ % batches.size()]); },
                                       s.block_ms),
               bench::passes_per_block(
                   [&] { theirs.step(batches[next_theirs++ % batches.size()]); }, s.block_ms));
  GemmFloor floor(s);
  std::size_t unused = 0;
  std::vector<double> wall_ratios, cpu_ratios, ours_ms, theirs_ms, floor_ms;
  for (int p = 0; p < s.pairs; ++p) {
    floor_ms.push_back(time_block(floor, batches, steps, unused).wall_ms);
    Block a, b;
    if (p % 2 == 0) {
      a = time_block(ours, batches, steps, next_ours);
      b = time_block(theirs, batches, steps, next_theirs);
    } else {
      b = time_block(theirs, batches, steps, next_theirs);
      a = time_block(ours, batches, steps, next_ours);
    }
    wall_ratios.push_back(a.wall_ms / b.wall_ms);
    cpu_ratios.push_back(a.cpu_ms / b.cpu_ms);
    ours_ms.push_back(a.wall_ms);
    theirs_ms.push_back(b.wall_ms);
  }
  std::printf("| %d | %s | %d × %d | %.2f ms | %.2f ms | %.2f ms | %.3f (%.3f–%.3f) | %.3f |\n",
              threads, openblas_get_corename(), s.pairs, steps, bench::median(ours_ms),
              bench::median(theirs_ms), bench::median(floor_ms), bench::median(wall_ratios),
              *std::min_element(wall_ratios.begin(), wall_ratios.end()),
              *std::max_element(wall_ratios.begin(), wall_ratios.end()), bench::median(cpu_ratios));
  std::fflush(stdout);
}

template <class Model>
void profile(Model& model, const std::vector<Batch>& batches, int steps) {
  const auto start = Clock::now();
  for (int i = 0; i < steps; ++i)
    model.step(batches[static_cast<std::size_t>(i) % batches.size()]);
  std::printf("%d steps: %.2f ms a step\n", steps,
              std::chrono::duration<double, std::milli>(Clock::now() - start).count() / steps);
}

int run(const Settings& s) {
  // Each side flushes denormals, as in libtorch_side_by_side.cpp's RNN.
  set_flush_denormals(true);
  at::globalContext().setFlushDenormal(true);
  const std::vector<Batch> batches = make_batches(s, 20, 7);
  if (!s.profile.empty()) {
    set_num_threads(s.threads.front());
    bench::use_torch_threads(s.threads.front());
    Ours<float> ours(s, 1);
    if (s.profile == "tapegrad") {
      profile(ours, batches, s.profile_steps);
    } else {
      Theirs<float> theirs(s, ours.parameters());
      profile(theirs, batches, s.profile_steps);
    }
    return 0;
  }

  set_num_threads(1);
  bench::use_torch_threads(1);
  const double gap64 = largest_loss_difference<double>(s, batches, "float64");
  const double gap32 = largest_loss_difference<float>(s, batches, "float32");
  if (!(gap64 <= 1e-10) || !(gap32 <= 1e-4)) {
    std::fprintf(stderr,
                 "the losses differ by more than 1e-10 (float64) or 1e-4 (float32): "
                 "not the same model\n");
    return 1;
  }

  std::printf(
      "float32, batch %zu, sequence %zu, vocabulary %zu, embedding %zu, hidden %zu; "
      "libtorch %s\n",
      s.batch, s.seq, s.vocab, s.embed, s.hidden, TORCH_VERSION);
  std::printf(
      "| threads | OpenBLAS kernels | pairs × steps | tapegrad step | libtorch step | "
      "GEMMs alone | ratio (lowest–highest) | CPU-time ratio |\n");
  std::printf("|---:|---|---:|---:|---:|---:|---:|---:|\n");
  for (const int threads : s.threads)
    time_at(s, batches, threads);
  std::printf(
      "ratio: median over pairs of tapegrad's step time / libtorch's (below 1, tapegrad "
      "is faster); step times are medians over blocks; GEMMs alone: the matrix products a "
      "step cannot do without, by cblas_sgemm, one block before each pair\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  tapegrad::bench::restart_with_passive_openmp(argv);
  tapegrad::bench::keep_freed_memory_in_heap();
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tapegrad_vs_libtorch_lstm: %s\n", e.what());
    return 1;
  }
}
