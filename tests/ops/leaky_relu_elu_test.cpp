#include <gtest/gtest.h>

#include <cmath>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using testing::UnaryCase;

TEST(LeakyReluOp, GradcheckAndClosedFormsAwayFromZero) {
  testing::check_unary_op(UnaryCase{"leaky_relu",
                                    [](Var<double> x) { return leaky_relu(x, 0.125); },
                                    {{"slope", 0.125}},
                                    0.05,
                                    2,
                                    true,
                                    [](double x) { return x > 0 ? x : 0.125 * x; },
                                    [](double x) { return x > 0 ? 1.0 : 0.125; }});
}

TEST(LeakyReluOp, KnownValuesAndSlopeAtZero) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{-2.0, 0.0, 3.0, -0.0});
  const Var<double> y = leaky_relu(x, 0.25);
  EXPECT_EQ(y.value(), (Tensor<double>{-0.5, 0.0, 3.0, 0.0}));
  tape.backward(y, Tensor<double>{1.0, 2.0, 3.0, 4.0});
  // The derivative at 0 is taken as the slope (x > 0 is false there).
  EXPECT_EQ(x.grad(), (Tensor<double>{0.25, 0.5, 3.0, 1.0}));
  // PyTorch's default slope, 0.01, also by name without the attribute.
  const Var<double> d = leaky_relu(x);
  EXPECT_EQ(d.value()(0), -0.02);
  EXPECT_EQ(tape.node(d.id()).op->attributes(), (Attributes{{"slope", 0.01}}));
  EXPECT_EQ(tape.apply("leaky_relu", {x}).value(), d.value());
}

double elu_of(double x, double alpha) {
  return x > 0 ? x : alpha * std::expm1(x);
}

TEST(EluOp, GradcheckAndClosedFormsAwayFromZero) {
  testing::check_unary_op(UnaryCase{"elu",
                                    [](Var<double> x) { return elu(x, 1.5); },
                                    {{"alpha", 1.5}},
                                    0.05,
                                    3,
                                    true,
                                    [](double x) { return elu_of(x, 1.5); },
                                    [](double x) { return x > 0 ? 1.0 : 1.5 * std::exp(x); }});
}

TEST(EluOp, KnownValuesSaturationAndAlphaAtZero) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.0, -1000.0, 2.0, -1e-10});
  const Var<double> y = elu(x, 2.0);
  EXPECT_EQ(y.value()(0), 0.0);
  EXPECT_EQ(y.value()(1), -2.0);  // saturates at −alpha
  EXPECT_EQ(y.value()(2), 2.0);
  EXPECT_DOUBLE_EQ(y.value()(3), -1.9999999999e-10);  // expm1: no cancellation near 0
  tape.backward(sum(y));
  // At 0 the derivative is alpha·exp(0) = alpha (x > 0 is false there).
  EXPECT_EQ(x.grad(), (Tensor<double>{2.0, 0.0, 1.0, 2.0 * std::exp(-1e-10)}));
  EXPECT_EQ(tape.apply("elu", {x}).value()(1), -1.0);  // default alpha 1
}

}  // namespace
}  // namespace tapegrad
