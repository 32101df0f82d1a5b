#include <gtest/gtest.h>

#include <cmath>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using testing::UnaryCase;

TEST(SqrtOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"sqrt",
                                    [](Var<double> x) { return sqrt(x); },
                                    {},
                                    0.2,
                                    3,
                                    false,
                                    [](double x) { return std::sqrt(x); },
                                    [](double x) { return 0.5 / std::sqrt(x); }});
}

TEST(SqrtOp, KnownValues) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{4.0, 0.25, 2.0});
  const Var<double> y = sqrt(x);
  EXPECT_EQ(y.value(), (Tensor<double>{2.0, 0.5, std::sqrt(2.0)}));
  tape.backward(sum(y));
  EXPECT_EQ(x.grad(), (Tensor<double>{0.25, 1.0, 0.5 / std::sqrt(2.0)}));
  EXPECT_TRUE(std::isnan(sqrt(tape.constant(Tensor<double>{-1.0})).value()(0)));
}

TEST(SquareOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"square",
                                    [](Var<double> x) { return square(x); },
                                    {},
                                    -2,
                                    2,
                                    false,
                                    [](double x) { return x * x; },
                                    [](double x) { return 2 * x; }});
}

TEST(SquareOp, KnownValues) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{-3.0, 0.0, 0.5}});
  const Var<double> y = square(x);
  EXPECT_EQ(y.value(), (Tensor<double>{{9.0, 0.0, 0.25}}));
  tape.backward(sum(y));
  EXPECT_EQ(x.grad(), (Tensor<double>{{-6.0, 0.0, 1.0}}));
}

TEST(PowOp, GradcheckAndClosedFormsOnPositiveBase) {
  for (const double p : {2.0, 3.0, 0.5, -1.5, 1.0, 0.0, 2.7}) {
    SCOPED_TRACE(p);
    testing::check_unary_op(UnaryCase{"pow",
                                      [p](Var<double> x) { return pow(x, p); },
                                      {{"exponent", p}},
                                      0.3,
                                      2.5,
                                      false,
                                      [p](double x) { return std::pow(x, p); },
                                      [p](double x) { return p * std::pow(x, p - 1); }});
  }
}

TEST(PowOp, RecordsExponentAndMatchesSquareAndSqrt) {
  Tape<double> tape;
  const Tensor<double> xv = random_tensor({2, 3}, 9, 0.1, 2.0);
  const Var<double> x = tape.variable(xv);
  const Var<double> y = pow(x, 2.0);
  EXPECT_EQ(tape.node(y.id()).op->attributes(), (Attributes{{"exponent", 2.0}}));
  const Var<double> squared = square(x);
  testing::expect_tensor_near(y.value(), squared.value(), 1e-15, "pow(x, 2)");
  const Var<double> half = pow(x, 0.5);
  const Var<double> root = sqrt(x);
  testing::expect_tensor_near(half.value(), root.value(), 1e-15, "pow(x, 0.5)");
  testing::expect_op_error<ValueError>(
      tape, [&] { (void)tape.apply("pow", {x}); }, "pow", {"missing attribute 'exponent'"},
      /*expect_node=*/false);
}

TEST(PowOp, IntegerExponentOfNegativeBase) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{-2.0, -0.5});
  const Var<double> y = pow(x, 3.0);
  // Not exact: pow goes through xsimd, which is not correctly rounded.
  testing::expect_tensor_near(y.value(), Tensor<double>{-8.0, -0.125}, 1e-14, "(-2, -0.5)^3");
  tape.backward(sum(y));
  testing::expect_tensor_near(x.grad(), Tensor<double>{12.0, 0.75}, 1e-14, "3 x^2");
}

// d/dx x⁰ = 0 everywhere, including at x = 0 (where p·x^(p−1) is 0·∞).
TEST(PowOp, ZeroExponentHasZeroGradientEverywhere) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.0, 2.0, -3.0});
  const Var<double> y = pow(x, 0.0);
  EXPECT_EQ(y.value(), (Tensor<double>{1.0, 1.0, 1.0}));
  tape.backward(sum(y));
  EXPECT_EQ(x.grad()(0), 0.0) << "d/dx x^0 at x = 0";
  EXPECT_EQ(x.grad()(1), 0.0);
  EXPECT_EQ(x.grad()(2), 0.0);
}

}  // namespace
}  // namespace tapegrad
