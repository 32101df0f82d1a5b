#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ops/op_test_support.hpp"
#include "ops/reduction_reference.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

double mean_of(const std::vector<double>& v) {
  double total = 0;
  for (const double x : v)
    total += x;
  return total / static_cast<double>(v.size());
}

/// Σ (x − mean)² / (n − c), and its gradient 2(x − mean) / (n − c); √ of it
/// and (x − mean) / ((n − c)·std) for std.
testing::SliceValue variance_of(double c, bool is_std) {
  return [c, is_std](const std::vector<double>& v) {
    const double m = mean_of(v);
    double squares = 0;
    for (const double x : v)
      squares += (x - m) * (x - m);
    const double var = squares / (static_cast<double>(v.size()) - c);
    return is_std ? std::sqrt(var) : var;
  };
}
testing::SliceGradient variance_gradient(double c, bool is_std) {
  return [c, is_std](const std::vector<double>& v) {
    const double m = mean_of(v);
    const double n = static_cast<double>(v.size()) - c;
    const double s = variance_of(c, true)(v);
    std::vector<double> d;
    for (const double x : v)
      d.push_back(is_std ? (x - m) / (n * s) : 2 * (x - m) / n);
    return d;
  };
}

TEST(VarOp, GradcheckValuesAndGradientsOverEveryAxis) {
  for (const double c : {0.0, 1.0}) {
    testing::check_reduction_op("var", variance_of(c, false), variance_gradient(c, false), -1, 1,
                                {{"correction", c}}, c == 1 ? 2 : 1);
  }
}

TEST(StdOp, GradcheckValuesAndGradientsOverEveryAxis) {
  // std of one element is 0, where its gradient divides by 0.
  for (const double c : {0.0, 1.0}) {
    testing::check_reduction_op("std", variance_of(c, true), variance_gradient(c, true), -1, 1,
                                {{"correction", c}}, 2, 1e-13);
  }
}

TEST(VarOp, KnownValuesAndTypedFunctions) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, 2.0, 3.0, 4.0}, {2.0, 2.0, 2.0, 6.0}});
  EXPECT_EQ(var(x, 1).value(), (Tensor<double>{5.0 / 3, 4.0}));  // sample, the default
  EXPECT_EQ(var(x, 1, false, Correction::population).value(), (Tensor<double>{1.25, 3.0}));
  EXPECT_EQ(var(x, 0, true, Correction::population).value(),
            (Tensor<double>{{0.25, 0.0, 0.25, 1.0}}));
  EXPECT_DOUBLE_EQ(std(x, Correction::population).item(), std::sqrt(17.5 / 8));
  EXPECT_EQ(tapegrad::std(x, 1).value()(1), 2.0);
  EXPECT_EQ(tape.node(var(x).id()).op->attributes(),
            (Attributes{{"keepdims", 0}, {"correction", 1}}));
  EXPECT_EQ(tape.node(tapegrad::std(x, -1, true, Correction::population).id()).op->attributes(),
            (Attributes{{"axis", -1}, {"keepdims", 1}, {"correction", 0}}));
  // Two passes: a large common offset does not cancel the variance away.
  const Var<double> offset = tape.constant(Tensor<double>{1e8 + 1, 1e8 + 2, 1e8 + 3});
  EXPECT_EQ(var(offset).item(), 1.0);
  // A rank-3 input along its middle axis.
  const Tensor<double> cube = random_tensor({2, 3, 4}, 1);
  const Var<double> v = var(tape.constant(cube), 1, false, Correction::population);
  const double m = (cube(1, 0, 3) + cube(1, 1, 3) + cube(1, 2, 3)) / 3;
  const double expected = (std::pow(cube(1, 0, 3) - m, 2) + std::pow(cube(1, 1, 3) - m, 2) +
                           std::pow(cube(1, 2, 3) - m, 2)) /
                          3;
  EXPECT_NEAR(v.value()(1, 3), expected, 1e-16);
}

TEST(StdOp, OfEqualElementsIsZeroWithAnUndefinedGradient) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{2.0, 2.0, 2.0});
  const Var<double> s = std(x);
  EXPECT_EQ(s.item(), 0.0);
  tape.backward(s);
  for (const double g : x.grad())
    EXPECT_TRUE(std::isnan(g)) << g;  // (x − mean) / (n·0) = 0/0, as in PyTorch
}

TEST(VarOp, TooFewElementsBadCorrectionAndBadAxes) {
  Tape<double> tape;
  const Var<double> one = tape.variable(testing::column({1.0, 2.0}));
  testing::expect_op_error<ValueError>(
      tape, [&] { (void)var(one, 1); }, "var",
      {"the var of 1 element(s) with correction 1 is undefined (shape (2, 1))"});
  EXPECT_EQ(var(one, 1, false, Correction::population).value(), (Tensor<double>{0.0, 0.0}));
  const Var<double> empty = tape.variable(Tensor<double>::from_shape({0}));
  testing::expect_op_error<ValueError>(tape, [&] { (void)std(empty, Correction::population); },
                                       "std", {"the std of 0 element(s)", "(0,)"});
  const Var<double> x = tape.variable(random_tensor({2, 3}, 2));
  testing::expect_op_error<ValueError>(tape,
                                       [&] {
                                         (void)tape.apply("var", {x}, {{"correction", 2}});
                                       },
                                       "var",
                                       {"attribute correction must be 0 or 1, got 2", "(2, 3)"});
  testing::expect_op_error<ValueError>(tape, [&] { (void)std(x, 2); }, "std",
                                       {"axis 2 is out of range for shape (2, 3)"});
}

}  // namespace
}  // namespace tapegrad
