#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using testing::UnaryCase;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(ClampOp, GradcheckAndClosedFormsAwayFromTheBounds) {
  // Random inputs, some inside and some outside; none within finite
  // differences' reach of a bound (the op table keeps a margin explicitly).
  testing::check_unary_op(UnaryCase{"clamp",
                                    [](Var<double> x) { return clamp(x, -1.0, 1.0); },
                                    {{"lo", -1}, {"hi", 1}},
                                    0.1,
                                    2,
                                    true,
                                    [](double x) { return std::clamp(x, -1.0, 1.0); },
                                    [](double x) { return std::abs(x) <= 1 ? 1.0 : 0.0; }});
  testing::check_unary_op(UnaryCase{"clamp",
                                    [](Var<double> x) { return clamp(x, -0.5, std::nullopt); },
                                    {{"lo", -0.5}},
                                    -2,
                                    2,
                                    false,
                                    [](double x) { return std::max(x, -0.5); },
                                    [](double x) { return x >= -0.5 ? 1.0 : 0.0; }});
}

TEST(ClampOp, ValuesAndTheGradientAtTheBounds) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{-3.0, -1.0, 0.0, 1.0, 2.0, kNan});
  const Var<double> y = clamp(x, -1.0, 1.0);
  EXPECT_EQ(y.value()(0), -1.0);
  EXPECT_EQ(y.value()(1), -1.0);
  EXPECT_EQ(y.value()(2), 0.0);
  EXPECT_EQ(y.value()(4), 1.0);
  EXPECT_TRUE(std::isnan(y.value()(5)));  // NaN passes through
  tape.backward(y, Tensor<double>{1.0, 2.0, 3.0, 4.0, 5.0, 0.0});
  // At a bound the gradient passes (lo ≤ x ≤ hi), as in PyTorch.
  EXPECT_EQ(x.grad(), (Tensor<double>{0.0, 2.0, 3.0, 4.0, 0.0, 0.0}));

  const Var<double> low = clamp(x, 0.0, std::nullopt);
  EXPECT_EQ(low.value()(0), 0.0);
  EXPECT_EQ(low.value()(4), 2.0);
  EXPECT_EQ(tape.node(low.id()).op->attributes(), (Attributes{{"lo", 0}}));
  const Var<double> high = clamp(x, std::nullopt, 0.5);
  EXPECT_EQ(high.value()(0), -3.0);
  EXPECT_EQ(high.value()(4), 0.5);
  EXPECT_EQ(tape.node(high.id()).op->attributes(), (Attributes{{"hi", 0.5}}));
  // lo = hi: a constant.
  EXPECT_EQ(clamp(x, 0.25, 0.25).value()(3), 0.25);
  // Large tensors (the vectorised path) give the same.
  const Tensor<double> big = random_tensor({40}, 1, -2.0, 2.0);
  const Var<double> b = clamp(tape.constant(big), -1.0, 1.0);
  for (std::size_t i = 0; i < big.size(); ++i)
    EXPECT_EQ(b.value()(i), std::clamp(big(i), -1.0, 1.0));
}

TEST(ClampOp, BadBounds) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({2, 3}, 1));
  testing::expect_op_error<ValueError>(tape, [&] { (void)clamp(x, 1.0, -1.0); }, "clamp",
                                       {"lo 1 is greater than hi -1", "(2, 3)"});
  testing::expect_op_error<ValueError>(
      tape, [&] { (void)clamp(x, std::nullopt, std::nullopt); }, "clamp",
      {"needs a lower bound lo, an upper bound hi, or both", "(2, 3)"});
  testing::expect_op_error<ValueError>(tape, [&] { (void)clamp(x, kNan, 1.0); }, "clamp",
                                       {"a bound is NaN", "(2, 3)"});
  testing::expect_op_error<ValueError>(tape,
                                       [&] {
                                         (void)tape.apply("clamp", {x}, {{"lo", 2}, {"hi", 1}});
                                       },
                                       "clamp", {"lo 2 is greater than hi 1"});
  // A flat scalar is refused too, not clamped by the scalar kernel.
  const Var<double> s = tape.variable(Tensor<double>(0.5));
  testing::expect_op_error<ValueError>(tape, [&] { (void)clamp(s, 1.0, 0.0); }, "clamp",
                                       {"greater than", "()"});
}

}  // namespace
}  // namespace tapegrad
