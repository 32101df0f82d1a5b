// The job users run, in tapegrad and in libtorch, side by side in one
// process: Fashion-MNIST, the MLP 784-256-128-10 with ReLU, cross-entropy,
// Adam 1e-3, batch 128, float32, no schedule, no weight decay. Both start
// from the same weights and see the same batches in the same order (the
// first batch's loss is checked equal before anything is timed); epochs
// alternate between the two libraries, in the order A B, B A, A B, … so that
// neither always runs on a warmer or a quieter machine. Each side's timing
// includes its own batch assembly (tapegrad's DataLoader; index_select on a
// libtorch tensor of the whole set). The fairness settings are those of
// libtorch_side_by_side.cpp (torch_fairness.hpp).
//
//   tapegrad_vs_libtorch_training [--epochs 4] [--threads 1] [--batch 128]
//                                 [--data DIR] [--limit N]
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "fashion_mnist.hpp"
#include "statistics.hpp"
#include "torch_fairness.hpp"

namespace {

using namespace tapegrad;
using Clock = std::chrono::steady_clock;

struct Settings {
  int epochs = 4;
  int threads = 1;
  std::size_t batch = 128;
  std::string data = "/usr/share/datasets/fashion-mnist";
  std::size_t limit = 0;
};

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--epochs")
      s.epochs = std::atoi(value);
    else if (flag == "--threads")
      s.threads = std::atoi(value);
    else if (flag == "--batch")
      s.batch = static_cast<std::size_t>(std::atol(value));
    else if (flag == "--data")
      s.data = value;
    else if (flag == "--limit")
      s.limit = static_cast<std::size_t>(std::atol(value));
    else
      throw ValueError("unknown option '" + std::string(flag) +
                       "' (--epochs, --threads, --batch, --data, --limit)");
  }
  if (s.epochs < 1 || s.threads < 1 || s.batch < 1)
    throw ValueError("--epochs, --threads and --batch must be at least 1");
  return s;
}

struct Epoch {
  double seconds = 0;
  double mean_loss = 0;
};

/// Each epoch's batches as the tapegrad DataLoader orders them (same options,
/// same seed), as libtorch index tensors, built before timing.
class BatchOrders {
 public:
  BatchOrders(const nn::Dataset<float>& data, const Settings& s)
      : loader_(data, {s.batch, true, false, 1}) {}

  std::vector<torch::Tensor> next_epoch() {
    std::vector<torch::Tensor> orders;
    while (loader_.next(batch_)) {
      const std::vector<std::int64_t> ids(batch_.indices.begin(), batch_.indices.end());
      orders.push_back(torch::tensor(ids, torch::kLong));
    }
    return orders;
  }

 private:
  nn::DataLoader<float> loader_;
  nn::Batch<float> batch_;
};

class Ours {
 public:
  Ours(const nn::Dataset<float>& data, const Settings& s)
      : net_(nn::mlp<float>({784, 256, 128, 10}, {.seed = 1})),
        adam_(net_.parameters(), 1e-3f),
        loader_(data, {s.batch, true, false, 1}) {}

  std::vector<Parameter<float>*> parameters() { return net_.parameters(); }

  float first_loss() {
    nn::DataLoader<float> peek(loader_);  // the first batch, leaving the loader where it was
    peek.next(batch_);
    Tape<float> tape;
    return cross_entropy(net_(tape.constant(batch_.features)), tape.constant(batch_.labels)).item();
  }

  Epoch epoch() {
    Epoch r;
    std::size_t steps = 0;
    const auto start = Clock::now();
    while (loader_.next(batch_)) {
      tape_.reset();
      const Var<float> loss = cross_entropy(net_(tape_.constant(std::move(batch_.features))),
                                            tape_.constant(batch_.labels));
      tape_.backward(loss, {.gradient_ready = &adam_});
      r.mean_loss += loss.item();
      ++steps;
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.mean_loss /= static_cast<double>(steps);
    return r;
  }

 private:
  nn::Sequential<float> net_;
  nn::Adam<float> adam_;
  nn::DataLoader<float> loader_;
  nn::Batch<float> batch_;
  Tape<float> tape_;
};

class Theirs {
 public:
  /// Copies of `weights` (W1, b1, W2, b2, W3, b3: W is out × in in both).
  Theirs(const nn::Dataset<float>& data, const std::vector<Parameter<float>*>& weights)
      : features_(bench::to_torch(data.features)),
        labels_(bench::to_torch(data.labels).to(torch::kLong)),
        params_(copies(weights)),
        adam_(params_, torch::optim::AdamOptions(1e-3)) {}

  torch::Tensor logits(const torch::Tensor& x) const {
    torch::Tensor h = torch::relu(torch::linear(x, params_[0], params_[1]));
    h = torch::relu(torch::linear(h, params_[2], params_[3]));
    return torch::linear(h, params_[4], params_[5]);
  }

  float first_loss(const torch::Tensor& ids) const {
    torch::NoGradGuard no_grad;
    return torch::cross_entropy_loss(logits(features_.index_select(0, ids)),
                                     labels_.index_select(0, ids))
        .item<float>();
  }

  Epoch epoch(const std::vector<torch::Tensor>& order) {
    Epoch r;
    const auto start = Clock::now();
    for (const torch::Tensor& ids : order) {
      const torch::Tensor loss = torch::cross_entropy_loss(logits(features_.index_select(0, ids)),
                                                           labels_.index_select(0, ids));
      loss.backward();
      adam_.step();
      for (torch::Tensor& p : params_)
        p.mutable_grad().reset();  // set to none, PyTorch 2's default zero_grad
      r.mean_loss += loss.item<float>();
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.mean_loss /= static_cast<double>(order.size());
    return r;
  }

 private:
  static std::vector<torch::Tensor> copies(const std::vector<Parameter<float>*>& weights) {
    std::vector<torch::Tensor> out;
    for (const Parameter<float>* p : weights)
      out.push_back(bench::to_torch(p->value()).requires_grad_(true));
    return out;
  }

  torch::Tensor features_, labels_;
  std::vector<torch::Tensor> params_;
  torch::optim::Adam adam_;
};

int run(const Settings& s) {
  set_num_threads(s.threads);
  bench::use_torch_threads(s.threads);
  const nn::Dataset<float> data = fashion_mnist::load(s.data, "train", s.limit);
  Ours ours(data, s);
  Theirs theirs(data, ours.parameters());

  BatchOrders orders(data, s);
  std::vector<torch::Tensor> order = orders.next_epoch();
  const float our_first = ours.first_loss();
  const float their_first = theirs.first_loss(order.front());
  const double gap = std::abs(our_first - their_first) / std::abs(their_first);
  std::printf("first batch's loss: tapegrad %.7f, libtorch %.7f (relative gap %.1e)\n", our_first,
              their_first, gap);
  if (!(gap < 1e-5)) {
    std::fprintf(stderr, "the two jobs differ before training: not comparable\n");
    return 1;
  }
  std::printf("%zu samples, batch %zu, %d thread%s, OpenBLAS %s kernels, libtorch %s\n",
              data.size(), s.batch, s.threads, s.threads == 1 ? "" : "s", openblas_get_corename(),
              TORCH_VERSION);
  std::printf("| epoch | order | tapegrad examples/s | libtorch examples/s | ratio | losses |\n");
  std::printf("|---:|---|---:|---:|---:|---|\n");
  std::vector<double> ratios;
  const auto n = static_cast<double>(data.size());
  for (int e = 1; e <= s.epochs; ++e) {
    if (e > 1)
      order = orders.next_epoch();
    const bool ours_first = e % 2 == 1;
    Epoch a, b;
    if (ours_first) {
      a = ours.epoch();
      b = theirs.epoch(order);
    } else {
      b = theirs.epoch(order);
      a = ours.epoch();
    }
    const double ratio = b.seconds / a.seconds;  // examples/s ours / theirs
    ratios.push_back(ratio);
    std::printf("| %d | %s | %.0f | %.0f | %.3f | %.4f / %.4f |\n", e,
                ours_first ? "tapegrad, libtorch" : "libtorch, tapegrad", n / a.seconds,
                n / b.seconds, ratio, a.mean_loss, b.mean_loss);
    std::fflush(stdout);
  }
  std::printf("median ratio (tapegrad examples/s / libtorch's): %.3f, lowest %.3f\n",
              bench::median(ratios), *std::min_element(ratios.begin(), ratios.end()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  tapegrad::bench::restart_with_passive_openmp(argv);
  tapegrad::bench::keep_freed_memory_in_heap();
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tapegrad_vs_libtorch_training: %s\n", e.what());
    return 1;
  }
}
