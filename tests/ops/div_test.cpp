#include <gtest/gtest.h>

#include <cmath>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(DivOp, GradcheckValuesBroadcastAndErrors) {
  // Denominators in ±[0.5, 2): away from the pole at 0.
  testing::check_binary_op(
      "div", [](Var<double> a, Var<double> b) { return div(a, b); },
      [](double a, double b) { return a / b; }, true);
}

TEST(DivOp, ForwardValuesAndOperators) {
  Tape<double> tape;
  const Var<double> a = tape.variable(Tensor<double>{{1.0, 2.0}, {3.0, 4.0}});
  const Var<double> b = tape.variable(Tensor<double>{2.0, -4.0});
  const Var<double> y = a / b;
  EXPECT_EQ(y.value(), (Tensor<double>{{0.5, -0.5}, {1.5, -1.0}}));
  EXPECT_EQ(tape.node(y.id()).op->name(), "div");
  // x / 3 is a true division (rounds like x / 3, not x * (1/3)).
  const Var<double> third = a / 3.0;
  EXPECT_EQ(third.value(), (Tensor<double>{{1.0 / 3.0, 2.0 / 3.0}, {1.0, 4.0 / 3.0}}));
  const Var<double> inverse = 2.0 / a;
  EXPECT_EQ(inverse.value(), (Tensor<double>{{2.0, 1.0}, {2.0 / 3.0, 0.5}}));
}

TEST(DivOp, GradientsClosedForm) {
  Tape<double> tape;
  const Tensor<double> av = random_tensor({2, 3}, 1);
  const Tensor<double> bv = testing::away_from_zero({3}, 2, 0.5, 2.0);
  const Var<double> a = tape.variable(av);
  const Var<double> b = tape.variable(bv);
  tape.backward(sum(div(a, b)));
  for (std::size_t j = 0; j < 3; ++j) {
    double db = 0;
    for (std::size_t i = 0; i < 2; ++i) {
      EXPECT_DOUBLE_EQ(a.grad()(i, j), 1.0 / bv(j));
      db += -av(i, j) / (bv(j) * bv(j));
    }
    EXPECT_NEAR(b.grad()(j), db, 1e-14);
  }
}

TEST(DivOp, DivisionByZeroFollowsIeee) {
  Tape<double> tape;
  const Var<double> a = tape.constant(Tensor<double>{1.0, -1.0, 0.0});
  const Var<double> b = tape.constant(Tensor<double>{0.0, 0.0, 0.0});
  const Tensor<double>& y = div(a, b).value();
  EXPECT_TRUE(std::isinf(y(0)) && y(0) > 0);
  EXPECT_TRUE(std::isinf(y(1)) && y(1) < 0);
  EXPECT_TRUE(std::isnan(y(2)));
}

}  // namespace
}  // namespace tapegrad
