#pragma once
// What mlp_direct and mlp_plugin share: random data, the MLP layer whose
// activation ops they obtain differently, and a failure counter that prints
// every check.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <tapegrad/tapegrad.hpp>

namespace checks {

using tapegrad::Shape;
using tapegrad::Tensor;
using tapegrad::Var;

class Checker {
 public:
  /// Records one check; prints it with its verdict.
  void expect(bool ok, const std::string& what) {
    std::printf("%s %s\n", ok ? "ok    " : "FAILED", what.c_str());
    if (!ok)
      ++failures_;
  }

  void gradcheck(const std::string& what, const tapegrad::GradcheckResult& result) {
    expect(result.ok, what + ": " + result.report());
  }

  /// Expects `body` to throw an `E` whose message contains `text`.
  template <class E>
  void expect_throw(const std::string& what, const std::string& text,
                    const std::function<void()>& body) {
    try {
      body();
    } catch (const E& e) {
      const std::string message = e.what();
      expect(message.find(text) != std::string::npos,
             what + ": threw \"" + message + "\", expected it to contain \"" + text + "\"");
      return;
    } catch (const std::exception& e) {
      expect(false, what + ": threw the wrong type: " + e.what());
      return;
    }
    expect(false, what + ": did not throw");
  }

  /// Runs a group of checks; an unexpected exception fails it, not the program.
  void run(const std::string& group, const std::function<void()>& body) {
    std::printf("-- %s\n", group.c_str());
    try {
      body();
    } catch (const std::exception& e) {
      expect(false, group + ": unexpected exception: " + e.what());
    }
  }

  int finish(const char* program) const {
    std::printf("%s: %s (%d failure%s)\n", program, failures_ ? "FAILED" : "all checks passed",
                failures_, failures_ == 1 ? "" : "s");
    return failures_ ? 1 : 0;
  }

 private:
  int failures_ = 0;
};

/// Uniform values in ±[0.2, 1]: far enough from 0 that a one-element row of
/// l2_normalize (y = sign x) never flips under a finite-difference step.
inline Tensor<double> random_tensor(std::mt19937_64& rng, const Shape& shape) {
  std::uniform_real_distribution<double> magnitude(0.2, 1.0);
  std::bernoulli_distribution negative(0.5);
  Tensor<double> t(shape);
  for (double& v : t)
    v = negative(rng) ? -magnitude(rng) : magnitude(rng);
  return t;
}

inline std::size_t random_size(std::mt19937_64& rng) {
  return std::uniform_int_distribution<std::size_t>(2, 7)(rng);
}

/// The shapes the per-op gradchecks cover: 1×1, 1×n, n×1, rank 1, m×n.
inline std::vector<Shape> row_shapes(std::mt19937_64& rng) {
  return {Shape{1, 1}, Shape{1, random_size(rng)}, Shape{random_size(rng), 1},
          Shape{random_size(rng)}, Shape{random_size(rng), random_size(rng)}};
}

/// The small MLP layer of both programs, batch 4, 3 inputs, 5 outputs.
struct MlpData {
  static constexpr std::size_t kBatch = 4, kIn = 3, kOut = 5;
  Tensor<double> x, weight, bias, targets, labels;

  explicit MlpData(std::mt19937_64& rng)
      : x(random_tensor(rng, {kBatch, kIn})),
        weight(random_tensor(rng, {kOut, kIn})),
        bias(random_tensor(rng, {kOut})),
        targets(random_tensor(rng, {kBatch, kOut})),
        labels(Shape{kBatch}) {
    std::uniform_int_distribution<int> label(0, static_cast<int>(kOut) - 1);
    for (double& l : labels)
      l = label(rng);
  }
};

/// The activation part of the layer: logits = activation(linear(x, W, b)).
using Activation = std::function<Var<double>(Var<double>)>;

/// Gradchecks mse and cross-entropy losses of the layer w.r.t. x, W and b.
inline void check_mlp(Checker& check, const MlpData& data, const Activation& activation) {
  const auto loss = [&](bool use_mse) {
    return [&, use_mse](tapegrad::Tape<double>& tape, const std::vector<Var<double>>& in) {
      const Var<double> logits = activation(tapegrad::linear(in[0], in[1], in[2]));
      return use_mse ? tapegrad::mse(logits, tape.constant(data.targets), tapegrad::Reduction::mean)
                     : tapegrad::cross_entropy(logits, tape.constant(data.labels));
    };
  };
  const std::vector<Tensor<double>> inputs{data.x, data.weight, data.bias};
  check.gradcheck("MLP mse loss w.r.t. x, W, b", tapegrad::gradcheck(loss(true), inputs));
  check.gradcheck("MLP cross-entropy loss w.r.t. x, W, b",
                  tapegrad::gradcheck(loss(false), inputs));
}

inline double sigmoid(double z) {
  return 1 / (1 + std::exp(-z));
}

/// Largest |swish(x; β) − actual| over the elements.
template <class T>
double swish_error(const Tensor<T>& x, const Tensor<T>& actual, double beta) {
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double xi = static_cast<double>(x.data()[i]);
    const double expected = xi * sigmoid(beta * xi);
    worst = std::max(worst, std::abs(expected - static_cast<double>(actual.data()[i])));
  }
  return worst;
}

/// Largest deviation of a row of `y` from x_row / ‖x_row‖ (rows as in l2_normalize).
template <class T>
double l2_normalize_error(const Tensor<T>& x, const Tensor<T>& y) {
  const std::size_t length = x.dimension() == 2 ? x.shape()[1] : x.size();
  const std::size_t rows = length == 0 ? 0 : x.size() / length;
  double worst = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    double squares = 0;
    for (std::size_t j = 0; j < length; ++j) {
      const double v = static_cast<double>(x.data()[r * length + j]);
      squares += v * v;
    }
    for (std::size_t j = 0; j < length; ++j) {
      const double expected = static_cast<double>(x.data()[r * length + j]) / std::sqrt(squares);
      worst = std::max(worst, std::abs(expected - static_cast<double>(y.data()[r * length + j])));
    }
  }
  return worst;
}

}  // namespace checks
