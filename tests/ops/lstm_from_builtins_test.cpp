// An LSTM cell written from built-in ops with PyTorch's weight layout —
// W_ih (4H × in), W_hh (4H × H), biases b_ih and b_hh (4H), the gates i, f,
// g, o cut from one fused product by chunk — run for 3 time steps: its
// values against a plain loop, and every gradient (weights, biases, inputs,
// initial state) against finite differences.
#include <gtest/gtest.h>

#include <cmath>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using V = Var<double>;

constexpr std::size_t kBatch = 2, kIn = 3, kHidden = 2, kSteps = 3;

struct State {
  V h, c;
};

/// One step: gates = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh, then PyTorch's update.
State lstm_cell(V x, State s, V w_ih, V w_hh, V b_ih, V b_hh) {
  const V gates = linear(x, w_ih, b_ih) + linear(s.h, w_hh, b_hh);
  const std::vector<V> igfo = chunk(gates, 4, 1);
  const V i = sigmoid(igfo[0]), f = sigmoid(igfo[1]), g = tanh(igfo[2]), o = sigmoid(igfo[3]);
  const V c = f * s.c + i * g;
  return {o * tanh(c), c};
}

/// Inputs: xs (steps, batch, in), W_ih, W_hh, b_ih, b_hh, h0, c0.
State run(const std::vector<V>& in) {
  State s{in[5], in[6]};
  for (std::size_t t = 0; t < kSteps; ++t)
    s = lstm_cell(index(in[0], 0, static_cast<std::int64_t>(t)), s, in[1], in[2], in[3], in[4]);
  return s;
}

std::vector<Tensor<double>> inputs() {
  return {testing::random_tensor({kSteps, kBatch, kIn}, 1),
          testing::random_tensor({4 * kHidden, kIn}, 2, -0.8, 0.8),
          testing::random_tensor({4 * kHidden, kHidden}, 3, -0.8, 0.8),
          testing::random_tensor({4 * kHidden}, 4, -0.5, 0.5),
          testing::random_tensor({4 * kHidden}, 5, -0.5, 0.5),
          testing::random_tensor({kBatch, kHidden}, 6),
          testing::random_tensor({kBatch, kHidden}, 7)};
}

/// The same recurrence with plain loops over PyTorch's layout.
std::pair<Tensor<double>, Tensor<double>> reference(const std::vector<Tensor<double>>& in) {
  const auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  Tensor<double> h = in[5], c = in[6];
  for (std::size_t t = 0; t < kSteps; ++t) {
    Tensor<double> next_h = h, next_c = c;
    for (std::size_t b = 0; b < kBatch; ++b) {
      double gate[4 * kHidden];
      for (std::size_t r = 0; r < 4 * kHidden; ++r) {
        gate[r] = in[3](r) + in[4](r);
        for (std::size_t k = 0; k < kIn; ++k)
          gate[r] += in[1](r, k) * in[0](t, b, k);
        for (std::size_t k = 0; k < kHidden; ++k)
          gate[r] += in[2](r, k) * h(b, k);
      }
      for (std::size_t j = 0; j < kHidden; ++j) {
        const double i = sig(gate[j]), f = sig(gate[kHidden + j]);
        const double g = std::tanh(gate[2 * kHidden + j]), o = sig(gate[3 * kHidden + j]);
        next_c(b, j) = f * c(b, j) + i * g;
        next_h(b, j) = o * std::tanh(next_c(b, j));
      }
    }
    h = next_h;
    c = next_c;
  }
  return {h, c};
}

TEST(LstmFromBuiltins, MatchesAPlainLoopOverThreeSteps) {
  const std::vector<Tensor<double>> values = inputs();
  Tape<double> tape;
  std::vector<V> in;
  for (const Tensor<double>& v : values)
    in.push_back(tape.variable(v));
  const State s = run(in);
  const auto [h, c] = reference(values);
  testing::expect_tensor_near(s.h.value(), h, 1e-14, "h after 3 steps");
  testing::expect_tensor_near(s.c.value(), c, 1e-14, "c after 3 steps");
}

TEST(LstmFromBuiltins, PassesGradcheckOverThreeSteps) {
  // Both outputs, so that ∂c₃ is checked as well as ∂h₃.
  TG_EXPECT_GRADCHECK(gradcheck(
                          [](Tape<double>& tape, const std::vector<V>& in) {
                            const State s = run(in);
                            return concat({s.h, s.c}, 1) *
                                   tape.constant(testing::random_tensor({kBatch, 2 * kHidden}, 9));
                          },
                          inputs()),
                      "LSTM, 3 steps");
  TG_EXPECT_GRADCHECK(
      gradgradcheck([](Tape<double>&, const std::vector<V>& in) { return run(in).h; }, inputs()),
      "LSTM, 3 steps, second order");
}

}  // namespace
}  // namespace tapegrad
