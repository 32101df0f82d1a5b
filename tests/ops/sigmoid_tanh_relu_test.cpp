#include <gtest/gtest.h>

#include <cmath>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using testing::UnaryCase;

double sigmoid_of(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

TEST(SigmoidOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"sigmoid",
                                    [](Var<double> x) { return sigmoid(x); },
                                    {},
                                    -4,
                                    4,
                                    false,
                                    sigmoid_of,
                                    [](double x) {
                                      const double s = sigmoid_of(x);
                                      return s * (1 - s);
                                    }});
}

TEST(SigmoidOp, KnownValuesAndSaturation) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.0, 1000.0, -1000.0, 2.0});
  const Var<double> y = sigmoid(x);
  EXPECT_EQ(y.value()(0), 0.5);
  EXPECT_EQ(y.value()(1), 1.0);
  EXPECT_EQ(y.value()(2), 0.0);
  EXPECT_DOUBLE_EQ(y.value()(3) + sigmoid_of(-2.0), 1.0);  // σ(x) + σ(−x) = 1
  tape.backward(sum(y));
  EXPECT_EQ(x.grad()(0), 0.25);
  EXPECT_EQ(x.grad()(1), 0.0);
  EXPECT_EQ(x.grad()(2), 0.0);
}

TEST(TanhOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"tanh",
                                    [](Var<double> x) { return tanh(x); },
                                    {},
                                    -3,
                                    3,
                                    false,
                                    [](double x) { return std::tanh(x); },
                                    [](double x) {
                                      const double t = std::tanh(x);
                                      return 1 - t * t;
                                    }});
}

TEST(TanhOp, KnownValuesAndRelationToSigmoid) {
  Tape<double> tape;
  const Tensor<double> xv = random_tensor({2, 3}, 5, -3.0, 3.0);
  const Var<double> x = tape.variable(xv);
  const Var<double> t = tanh(x);
  // tanh(x) = 2σ(2x) − 1
  for (std::size_t i = 0; i < xv.size(); ++i) {
    EXPECT_NEAR(t.value().data()[i], 2 * sigmoid_of(2 * xv.data()[i]) - 1, 1e-15);
  }
  const Var<double> z = tape.variable(Tensor<double>{0.0, 1000.0, -1000.0});
  const Var<double> tz = tanh(z);
  EXPECT_EQ(tz.value(), (Tensor<double>{0.0, 1.0, -1.0}));
  tape.backward(sum(tz));
  EXPECT_EQ(z.grad(), (Tensor<double>{1.0, 0.0, 0.0}));
}

TEST(ReluOp, GradcheckAndClosedFormsAwayFromZero) {
  // Inputs in ±[0.1, 1): the kink at 0 is out of finite differences' reach.
  testing::check_unary_op(UnaryCase{"relu",
                                    [](Var<double> x) { return relu(x); },
                                    {},
                                    0.1,
                                    1,
                                    true,
                                    [](double x) { return x > 0 ? x : 0.0; },
                                    [](double x) { return x > 0 ? 1.0 : 0.0; }});
}

TEST(ReluOp, KnownValuesAndZeroDerivativeAtZero) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{-2.0, 0.0, 3.0}, {0.5, -0.0, -1e-300}});
  const Var<double> y = relu(x);
  EXPECT_EQ(y.value(), (Tensor<double>{{0.0, 0.0, 3.0}, {0.5, 0.0, 0.0}}));
  const Tensor<double> g{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};
  tape.backward(y, g);
  // The derivative at 0 is taken as 0 (documented).
  EXPECT_EQ(x.grad(), (Tensor<double>{{0.0, 0.0, 3.0}, {4.0, 0.0, 0.0}}));
}

}  // namespace
}  // namespace tapegrad
