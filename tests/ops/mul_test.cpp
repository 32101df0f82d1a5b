#include <gtest/gtest.h>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(MulOp, GradcheckValuesBroadcastAndErrors) {
  testing::check_binary_op(
      "mul", [](Var<double> a, Var<double> b) { return mul(a, b); },
      [](double a, double b) { return a * b; }, false);
}

TEST(MulOp, ForwardValuesAndOperators) {
  Tape<double> tape;
  const Var<double> a = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  const Var<double> b = tape.variable(testing::column({2.0, -1.0}));
  const Var<double> y = a * b;
  EXPECT_EQ(y.value(), (Tensor<double>{{2.0, 4.0, 6.0}, {-4.0, -5.0, -6.0}}));
  EXPECT_EQ(tape.node(y.id()).op->name(), "mul");
  EXPECT_EQ((a * 0.5).value(), (Tensor<double>{{0.5, 1.0, 1.5}, {2.0, 2.5, 3.0}}));
  EXPECT_EQ((0.5 * a).value(), (Tensor<double>{{0.5, 1.0, 1.5}, {2.0, 2.5, 3.0}}));
}

TEST(MulOp, BroadcastGradientsClosedForm) {
  Tape<double> tape;
  const Tensor<double> av = random_tensor({3, 1}, 1);
  const Tensor<double> bv = random_tensor({3, 4}, 2);
  const Var<double> a = tape.variable(av);
  const Var<double> b = tape.variable(bv);
  tape.backward(sum(mul(a, b)));
  for (std::size_t i = 0; i < 3; ++i) {
    double row_sum = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      row_sum += bv(i, j);
      EXPECT_DOUBLE_EQ(b.grad()(i, j), av(i, 0));
    }
    EXPECT_NEAR(a.grad()(i, 0), row_sum, 1e-15);
  }
}

TEST(MulOp, SquareBySelfHasGradientTwoX) {
  Tape<double> tape;
  const Tensor<double> xv{1.5, -2.0, 0.25};
  const Var<double> x = tape.variable(xv);
  tape.backward(sum(mul(x, x)));
  EXPECT_EQ(x.grad(), (Tensor<double>{3.0, -4.0, 0.5}));
}

}  // namespace
}  // namespace tapegrad
