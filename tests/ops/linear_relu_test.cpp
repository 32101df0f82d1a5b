// linear_relu against what it fuses, relu(linear(…)): the same values (the
// bias is added after the GEMM rather than before, so to rounding), the same
// gradients bit for bit (the same masked g enters the same GEMMs and sums),
// the same direct SGD update, and Sequential recording it for Linear + ReLU.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ops/op_test_support.hpp"
#include "support/half_step.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

struct Affine {
  Tensor<double> x = random_tensor({6, 5}, 11);
  Tensor<double> w = random_tensor({4, 5}, 12);
  Tensor<double> b = random_tensor({4}, 13);
  Tensor<double> g = random_tensor({6, 4}, 14);  // the seed of backward
};

TEST(LinearReluOp, EqualsReluOfLinearInValuesAndGradients) {
  const Affine a;
  for (const bool with_bias : {true, false}) {
    SCOPED_TRACE(with_bias ? "with bias" : "without bias");
    Tape<double> fused_tape, plain_tape;
    const Var<double> x1 = fused_tape.variable(a.x), w1 = fused_tape.variable(a.w),
                      b1 = fused_tape.variable(a.b);
    const Var<double> x2 = plain_tape.variable(a.x), w2 = plain_tape.variable(a.w),
                      b2 = plain_tape.variable(a.b);
    const Var<double> fused = with_bias ? linear_relu(x1, w1, b1) : linear_relu(x1, w1);
    const Var<double> plain = relu(with_bias ? linear(x2, w2, b2) : linear(x2, w2));
    EXPECT_EQ(fused_tape.node(fused.id()).op->name(), "linear_relu");
    testing::expect_tensor_near(fused.value(), plain.value(), 1e-15, "value");
    std::size_t zeros = 0;
    for (const double v : fused.value())
      zeros += v == 0.0 ? 1 : 0;
    EXPECT_GT(zeros, 0u) << "the case should clamp some outputs";
    EXPECT_LT(zeros, fused.value().size()) << "and pass some";

    fused_tape.backward(fused, a.g);
    plain_tape.backward(plain, a.g);
    EXPECT_EQ(x1.grad(), x2.grad());
    EXPECT_EQ(w1.grad(), w2.grad());
    if (with_bias) {
      EXPECT_EQ(b1.grad(), b2.grad());
    }
  }
}

TEST(LinearReluOp, ANanPreActivationGivesZeroAsReluDoes) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, nan}, {1.0, 2.0}});
  const Var<double> w = tape.variable(Tensor<double>{{1.0, 1.0}, {-1.0, 0.5}});
  const Var<double> y = linear_relu(x, w);
  EXPECT_EQ(y.value()(0, 0), relu(linear(x, w)).value()(0, 0));
  EXPECT_EQ(y.value()(0, 0), 0.0);
  EXPECT_EQ(y.value()(1, 0), 3.0);
  EXPECT_EQ(y.value()(1, 1), 0.0);
}

using testing::HalfStep;

TEST(LinearReluOp, WritesTheDirectUpdateAsTheStepAfterBackwardWould) {
  const Affine a;
  Parameter<double> w_direct(a.w, "W"), b_direct(a.b, "b");
  Parameter<double> w_step(a.w, "W"), b_step(a.b, "b");
  Tape<double> tape;
  const auto loss = [&](Parameter<double>& w, Parameter<double>& b) {
    const Var<double> h = linear_relu(tape.constant(a.x), tape.watch(w), tape.watch(b));
    return sum(square(h));
  };
  tape.backward(loss(w_step, b_step));
  w_step.value() += 0.5 * w_step.grad();
  b_step.value() += 0.5 * b_step.grad();
  tape.reset();
  HalfStep listener;
  tape.backward(loss(w_direct, b_direct), {.gradient_ready = &listener});
  EXPECT_TRUE(listener.reported.empty()) << "W and b are written by linear_relu's backprop";
  testing::expect_tensor_near(w_direct.value(), w_step.value(), 1e-15, "W");
  testing::expect_tensor_near(b_direct.value(), b_step.value(), 1e-15, "b");
  EXPECT_TRUE(w_direct.grad_is_zero());
  EXPECT_TRUE(b_direct.grad_is_zero());
}

TEST(LinearReluOp, SequentialFusesALinearFollowedByAReluOnly) {
  nn::Sequential<double> net = nn::mlp<double>({5, 4, 3, 2}, {.seed = 9});
  nn::Sequential<double> tanh_net =
      nn::mlp<double>({5, 4, 2}, {.hidden = nn::Activation::tanh, .seed = 9});
  Tape<double> tape;
  const Var<double> x = tape.constant(random_tensor({3, 5}, 21));
  const Var<double> y = net(x);
  (void)tanh_net(x);
  std::vector<std::string> ops;
  for (NodeId id = 0; id < tape.size(); ++id) {
    if (!tape.node(id).is_leaf())
      ops.emplace_back(tape.node(id).op->name());
  }
  EXPECT_EQ(ops, (std::vector<std::string>{"linear_relu", "linear_relu", "linear", "linear", "tanh",
                                           "linear"}));
  // The same numbers as the layers applied one by one.
  const Var<double> h1 = relu(net.layer(0)(x));
  const Var<double> h2 = relu(net.layer(1)(h1));
  testing::expect_tensor_near(y.value(), net.layer(2)(h2).value(), 1e-15, "net");
}

}  // namespace
}  // namespace tapegrad
