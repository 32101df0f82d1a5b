// Single-head causal self-attention on a batch, written from built-in ops
// only: x (batch, time, dim); q, k, v = x · W (rank-3 × matrix matmul);
// scores q · kᵀ / √dim (matmul with transpose_b: no copy of kᵀ); the causal
// mask where(mask, scores, −inf), the (time, time) mask broadcast over the
// batch; softmax along the last axis; times v. Checked against a hand loop,
// for causality, and by gradcheck and gradgradcheck in all four inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using V = Var<double>;

constexpr std::size_t kBatch = 2, kTime = 4, kDim = 3;

/// 1 on and below the diagonal, 0 above it: position t sees 0…t.
Tensor<double> causal_mask(std::size_t time) {
  Tensor<double> mask = xt::zeros<double>({time, time});
  for (std::size_t i = 0; i < time; ++i) {
    for (std::size_t j = 0; j <= i; ++j)
      mask(i, j) = 1;
  }
  return mask;
}

/// softmax(where(mask, q kᵀ / √d, −inf)) v with q, k, v = x W_q, x W_k, x W_v.
V attention(Tape<double>& tape, V x, V wq, V wk, V wv) {
  const V q = matmul(x, wq);
  const V k = matmul(x, wk);
  const V v = matmul(x, wv);
  const double scale = 1.0 / std::sqrt(static_cast<double>(x.shape()[2]));
  const V scores = matmul(q, k, Transpose::b) * scale;  // (batch, time, time)
  const V mask = tape.constant(causal_mask(x.shape()[1]), "causal mask");
  const V minus_infinity = tape.constant(Tensor<double>(-INFINITY), "−inf");
  const V weights = softmax(where(mask, scores, minus_infinity));
  return matmul(weights, v);
}

std::vector<Tensor<double>> inputs() {
  return {random_tensor({kBatch, kTime, kDim}, 1), random_tensor({kDim, kDim}, 2),
          random_tensor({kDim, kDim}, 3), random_tensor({kDim, kDim}, 4)};
}

GradcheckFunction attention_function() {
  return [](Tape<double>& tape, const std::vector<V>& in) {
    return attention(tape, in[0], in[1], in[2], in[3]);
  };
}

TEST(AttentionFromBuiltins, MatchesAHandLoop) {
  const std::vector<Tensor<double>> in = inputs();
  const Tensor<double>& x = in[0];
  Tape<double> tape;
  const V y = attention(tape, tape.constant(x), tape.constant(in[1]), tape.constant(in[2]),
                        tape.constant(in[3]));
  ASSERT_EQ(y.shape(), (Shape{kBatch, kTime, kDim}));
  const auto project = [&](const Tensor<double>& w, std::size_t b, std::size_t t, std::size_t j) {
    double s = 0;
    for (std::size_t i = 0; i < kDim; ++i)
      s += x(b, t, i) * w(i, j);
    return s;
  };
  for (std::size_t b = 0; b < kBatch; ++b) {
    for (std::size_t t = 0; t < kTime; ++t) {
      // Scores against positions 0…t only, then their softmax.
      std::vector<double> weights(t + 1);
      double max = -INFINITY, total = 0;
      for (std::size_t s = 0; s <= t; ++s) {
        double dot = 0;
        for (std::size_t j = 0; j < kDim; ++j)
          dot += project(in[1], b, t, j) * project(in[2], b, s, j);
        weights[s] = dot / std::sqrt(double(kDim));
        max = std::max(max, weights[s]);
      }
      for (double& w : weights)
        total += w = std::exp(w - max);
      for (std::size_t j = 0; j < kDim; ++j) {
        double expected = 0;
        for (std::size_t s = 0; s <= t; ++s)
          expected += weights[s] / total * project(in[3], b, s, j);
        EXPECT_NEAR(y.value()(b, t, j), expected, 1e-14) << b << ", " << t << ", " << j;
      }
    }
  }
}

TEST(AttentionFromBuiltins, EarlyPositionsDoNotSeeLaterOnes) {
  const std::vector<Tensor<double>> in = inputs();
  Tape<double> tape;
  const V x = tape.variable(in[0]);
  const V y = attention(tape, x, tape.constant(in[1]), tape.constant(in[2]), tape.constant(in[3]));
  // ∂ (Σ of the outputs at time 1) / ∂x is 0 at times 2 and 3.
  Tensor<double> at_time_1 = xt::zeros<double>({kBatch, kTime, kDim});
  for (std::size_t b = 0; b < kBatch; ++b) {
    for (std::size_t j = 0; j < kDim; ++j)
      at_time_1(b, 1, j) = 1;
  }
  tape.backward(y, at_time_1);
  for (std::size_t b = 0; b < kBatch; ++b) {
    for (std::size_t t = 0; t < kTime; ++t) {
      for (std::size_t j = 0; j < kDim; ++j) {
        if (t >= 2)
          EXPECT_EQ(x.grad()(b, t, j), 0.0) << b << ", " << t << ", " << j;
        else
          EXPECT_NE(x.grad()(b, t, j), 0.0) << b << ", " << t << ", " << j;
      }
    }
  }
}

TEST(AttentionFromBuiltins, PassesGradcheck) {
  TG_EXPECT_GRADCHECK(gradcheck(attention_function(), inputs()), "causal self-attention");
}

TEST(AttentionFromBuiltins, PassesGradgradcheck) {
  const GradcheckResult result = gradgradcheck(attention_function(), inputs());
  EXPECT_TRUE(result.ok) << result.report();
  EXPECT_GT(result.checked, 0u);
}

TEST(AttentionFromBuiltins, BatchOfOneAndOneTimeStep) {
  // One position attends only to itself: the output is x W_v.
  const Tensor<double> x = random_tensor({1, 1, kDim}, 5);
  const std::vector<Tensor<double>> w = inputs();
  Tape<double> tape;
  const V y = attention(tape, tape.constant(x), tape.constant(w[1]), tape.constant(w[2]),
                        tape.constant(w[3]));
  for (std::size_t j = 0; j < kDim; ++j) {
    double expected = 0;
    for (std::size_t i = 0; i < kDim; ++i)
      expected += x(0, 0, i) * w[3](i, j);
    EXPECT_NEAR(y.value()(0, 0, j), expected, 1e-15);
  }
  TG_EXPECT_GRADCHECK(gradcheck(attention_function(), {x, w[1], w[2], w[3]}), "batch 1, time 1");
}

}  // namespace
}  // namespace tapegrad
