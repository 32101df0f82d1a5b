#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::UnaryCase;

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Log1pOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"log1p",
                                    [](Var<double> x) { return log1p(x); },
                                    {},
                                    -0.9,
                                    3,
                                    false,
                                    [](double x) { return std::log1p(x); },
                                    [](double x) { return 1 / (1 + x); }});
}

TEST(Log1pOp, TinyInputsAndItsDomain) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1e-300, 1e-10, -1.0, kInf});
  const Var<double> y = log1p(x);
  EXPECT_EQ(y.value()(0), 1e-300);  // log(1 + x) would give 0
  EXPECT_DOUBLE_EQ(y.value()(1), 1e-10 - 5e-21);
  EXPECT_EQ(y.value()(2), -kInf);
  EXPECT_EQ(y.value()(3), kInf);
}

TEST(Expm1Op, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"expm1",
                                    [](Var<double> x) { return expm1(x); },
                                    {},
                                    -3,
                                    3,
                                    false,
                                    [](double x) { return std::expm1(x); },
                                    [](double x) { return std::exp(x); }});
}

TEST(Expm1Op, TinyAndHugeInputs) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1e-300, 1e-10, -kInf, 1000.0});
  const Var<double> y = expm1(x);
  EXPECT_EQ(y.value()(0), 1e-300);
  EXPECT_DOUBLE_EQ(y.value()(1), 1e-10 + 5e-21);
  EXPECT_EQ(y.value()(2), -1.0);
  EXPECT_EQ(y.value()(3), kInf);
  tape.backward(y, Tensor<double>{1.0, 1.0, 1.0, 0.0});
  EXPECT_EQ(x.grad()(0), 1.0);  // exp(x) = y + 1
  EXPECT_DOUBLE_EQ(x.grad()(1), 1.0 + 1e-10);
  EXPECT_EQ(x.grad()(2), 0.0);
}

TEST(ErfOp, GradcheckAndClosedForms) {
  testing::check_unary_op(
      UnaryCase{"erf",
                [](Var<double> x) { return erf(x); },
                {},
                -3,
                3,
                false,
                [](double x) { return std::erf(x); },
                [](double x) { return 2 / std::sqrt(std::numbers::pi) * std::exp(-x * x); }});
}

TEST(ErfOp, KnownValues) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.0, 1.0, kInf, -kInf});
  const Var<double> y = erf(x);
  EXPECT_EQ(y.value(), (Tensor<double>{0.0, std::erf(1.0), 1.0, -1.0}));
  EXPECT_DOUBLE_EQ(y.value()(1), 0.8427007929497149);
  tape.backward(sum(y));
  EXPECT_DOUBLE_EQ(x.grad()(0), 1.1283791670955126);  // 2/√π
  EXPECT_EQ(x.grad()(2), 0.0);
}

TEST(AtanOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"atan",
                                    [](Var<double> x) { return atan(x); },
                                    {},
                                    -4,
                                    4,
                                    false,
                                    [](double x) { return std::atan(x); },
                                    [](double x) { return 1 / (1 + x * x); }});
}

TEST(AtanOp, KnownValues) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.0, 1.0, kInf, -kInf});
  const Var<double> y = atan(x);
  EXPECT_EQ(y.value()(0), 0.0);
  EXPECT_DOUBLE_EQ(y.value()(1), std::numbers::pi / 4);
  EXPECT_DOUBLE_EQ(y.value()(2), std::numbers::pi / 2);
  EXPECT_DOUBLE_EQ(y.value()(3), -std::numbers::pi / 2);
  tape.backward(sum(y));
  EXPECT_EQ(x.grad(), (Tensor<double>{1.0, 0.5, 0.0, 0.0}));
}

}  // namespace
}  // namespace tapegrad
