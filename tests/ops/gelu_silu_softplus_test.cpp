#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using testing::UnaryCase;

double normal_cdf(double x) {
  return 0.5 * (1 + std::erf(x / std::numbers::sqrt2));
}
double normal_density(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi);
}

TEST(GeluOp, GradcheckAndClosedFormsOfTheErfForm) {
  testing::check_unary_op(
      UnaryCase{"gelu",
                [](Var<double> x) { return gelu(x); },
                {{"approximate", 0}},
                -4,
                4,
                false,
                [](double x) { return x * normal_cdf(x); },
                [](double x) { return normal_cdf(x) + x * normal_density(x); }});
}

TEST(GeluOp, GradcheckAndClosedFormsOfTheTanhApproximation) {
  const double c = std::sqrt(2 / std::numbers::pi);
  const auto u = [c](double x) { return c * (x + 0.044715 * x * x * x); };
  testing::check_unary_op(UnaryCase{"gelu",
                                    [](Var<double> x) { return gelu(x, GeluApproximation::tanh); },
                                    {{"approximate", 1}},
                                    -4,
                                    4,
                                    false,
                                    [u](double x) { return 0.5 * x * (1 + std::tanh(u(x))); },
                                    [u, c](double x) {
                                      const double t = std::tanh(u(x));
                                      return 0.5 * (1 + t) +
                                             0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
                                    }});
}

TEST(GeluOp, KnownValues) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, -1.0, 0.0, 10.0, -10.0});
  const Var<double> y = gelu(x);
  EXPECT_EQ(y.value()(0), 0.8413447460685429);  // Φ(1)
  EXPECT_DOUBLE_EQ(y.value()(1), -0.15865525393145707);
  EXPECT_EQ(y.value()(2), 0.0);
  EXPECT_EQ(y.value()(3), 10.0);
  // erfc keeps the digits (to the rounding of x/√2); erf would give −0.
  EXPECT_NEAR(y.value()(4), -7.619853024160526e-23, 1e-35);
  tape.backward(sum(y));
  EXPECT_EQ(x.grad()(2), 0.5);  // Φ(0) + 0
  EXPECT_EQ(x.grad()(3), 1.0);
  const Var<double> approx = gelu(x, GeluApproximation::tanh);
  EXPECT_DOUBLE_EQ(approx.value()(0), 0.8411919906082768);  // PyTorch's approximate="tanh"
  EXPECT_EQ(approx.value()(3), 10.0);
  EXPECT_EQ(tape.node(approx.id()).op->attributes(), (Attributes{{"approximate", 1}}));
}

TEST(GeluOp, ApproximateMustBeZeroOrOne) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({2, 3}, 1));
  testing::expect_op_error<ValueError>(
      tape,
      [&] {
        (void)tape.apply("gelu", {x}, {{"approximate", 2}});
      },
      "gelu", {"approximate must be 0 (the erf form) or 1 (tanh), got 2 (input of shape (2, 3))"});
  // A flat scalar input is refused too (not computed by the scalar kernel).
  const Var<double> s = tape.variable(Tensor<double>(0.5));
  testing::expect_op_error<ValueError>(tape,
                                       [&] {
                                         (void)tape.apply("gelu", {s}, {{"approximate", 0.5}});
                                       },
                                       "gelu", {"got 0.5", "()"});
}

double logistic(double x) {
  return 1 / (1 + std::exp(-x));
}

TEST(SiluOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"silu",
                                    [](Var<double> x) { return silu(x); },
                                    {},
                                    -6,
                                    6,
                                    false,
                                    [](double x) { return x * logistic(x); },
                                    [](double x) {
                                      const double s = logistic(x);
                                      return s * (1 + x * (1 - s));
                                    }});
}

TEST(SiluOp, KnownValuesAndSaturation) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.0, 1.0, 1000.0, -1000.0});
  const Var<double> y = silu(x);
  EXPECT_EQ(y.value()(0), 0.0);
  EXPECT_DOUBLE_EQ(y.value()(1), 0.7310585786300049);  // σ(1)
  EXPECT_EQ(y.value()(2), 1000.0);
  EXPECT_EQ(y.value()(3), 0.0);
  tape.backward(sum(y));
  EXPECT_EQ(x.grad()(0), 0.5);
  EXPECT_EQ(x.grad()(2), 1.0);
  EXPECT_EQ(x.grad()(3), 0.0);  // no 0 · inf
}

TEST(SoftplusOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"softplus",
                                    [](Var<double> x) { return softplus(x, 2.0, 20.0); },
                                    {{"beta", 2}, {"threshold", 20}},
                                    -5,
                                    5,
                                    false,
                                    [](double x) { return std::log1p(std::exp(2 * x)) / 2; },
                                    [](double x) { return logistic(2 * x); }});
}

TEST(SoftplusOp, LargeInputsAreExactAndTheThresholdIsPyTorchs) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1e4, -1e4, 0.0, 20.0, 20.5, -800.0});
  const Var<double> y = softplus(x);
  EXPECT_EQ(y.value()(0), 1e4);  // βx > threshold: x itself
  EXPECT_EQ(y.value()(1), 0.0);
  EXPECT_EQ(y.value()(2), std::log(2.0));
  EXPECT_EQ(y.value()(3), 20.000000002061153);  // at the threshold: still the log
  EXPECT_EQ(y.value()(4), 20.5);
  EXPECT_EQ(y.value()(5), 0.0);
  tape.backward(sum(y));
  EXPECT_EQ(x.grad()(0), 1.0);
  EXPECT_EQ(x.grad()(1), 0.0);
  EXPECT_EQ(x.grad()(2), 0.5);
  EXPECT_EQ(x.grad()(4), 1.0);
  // beta scales the threshold's input: 2 · 6 > 10.
  const Var<double> b = softplus(x, 2.0, 10.0);
  EXPECT_EQ(tape.node(b.id()).op->attributes(), (Attributes{{"beta", 2}, {"threshold", 10}}));
  Tape<float> single;
  const Var<float> xf = single.variable(Tensor<float>{1e4f, -1e4f, 6.0f});
  const Var<float> yf = softplus(xf, 2.0f, 10.0f);
  EXPECT_EQ(yf.value(), (Tensor<float>{1e4f, 0.0f, 6.0f}));
}

TEST(SoftplusOp, BetaMustBePositive) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({4}, 1));
  testing::expect_op_error<ValueError>(tape, [&] { (void)softplus(x, 0.0); }, "softplus",
                                       {"beta must be finite and > 0", "(4,)"});
  testing::expect_op_error<ValueError>(tape,
                                       [&] {
                                         (void)tape.apply("softplus", {x}, {{"beta", -1}});
                                       },
                                       "softplus", {"beta -1", "(4,)"});
}

}  // namespace
}  // namespace tapegrad
