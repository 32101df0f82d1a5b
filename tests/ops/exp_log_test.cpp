#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using testing::UnaryCase;

TEST(ExpOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"exp",
                                    [](Var<double> x) { return exp(x); },
                                    {},
                                    -2,
                                    2,
                                    false,
                                    [](double x) { return std::exp(x); },
                                    [](double x) { return std::exp(x); }});
}

TEST(ExpOp, KnownValues) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.0, 1.0, -1.0});
  const Var<double> y = exp(x);
  EXPECT_EQ(y.value()(0), 1.0);
  EXPECT_DOUBLE_EQ(y.value()(1), M_E);
  EXPECT_DOUBLE_EQ(y.value()(2), 1.0 / M_E);
  tape.backward(sum(y));
  EXPECT_EQ(x.grad(), y.value());
}

TEST(LogOp, GradcheckAndClosedForms) {
  // Positive inputs only: log's domain.
  testing::check_unary_op(UnaryCase{"log",
                                    [](Var<double> x) { return log(x); },
                                    {},
                                    0.2,
                                    3,
                                    false,
                                    [](double x) { return std::log(x); },
                                    [](double x) { return 1.0 / x; }});
}

TEST(LogOp, KnownValuesAndInverseOfExp) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, M_E, 0.5});
  const Var<double> y = log(x);
  EXPECT_EQ(y.value()(0), 0.0);
  EXPECT_DOUBLE_EQ(y.value()(1), 1.0);
  EXPECT_DOUBLE_EQ(y.value()(2), -std::log(2.0));
  const Tensor<double> xv = random_tensor({4}, 3, -2.0, 2.0);
  const Var<double> round_trip = log(exp(tape.variable(xv)));
  testing::expect_tensor_near(round_trip.value(), xv, 1e-15, "log(exp(x))");
}

TEST(LogOp, OutsideTheDomainFollowsIeee) {
  Tape<double> tape;
  const Tensor<double>& y = log(tape.constant(Tensor<double>{0.0, -1.0})).value();
  EXPECT_EQ(y(0), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(y(1)));
}

}  // namespace
}  // namespace tapegrad
