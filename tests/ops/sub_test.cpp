#include <gtest/gtest.h>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(SubOp, GradcheckValuesBroadcastAndErrors) {
  testing::check_binary_op(
      "sub", [](Var<double> a, Var<double> b) { return sub(a, b); },
      [](double a, double b) { return a - b; }, false);
}

TEST(SubOp, ForwardValuesAndOperators) {
  Tape<double> tape;
  const Var<double> a = tape.variable(Tensor<double>{{1.0, 2.0}, {3.0, 4.0}});
  const Var<double> b = tape.variable(testing::column({0.5, -1.0}));
  const Var<double> y = a - b;
  EXPECT_EQ(y.value(), (Tensor<double>{{0.5, 1.5}, {4.0, 5.0}}));
  EXPECT_EQ(tape.node(y.id()).op->name(), "sub");
  EXPECT_EQ((a - 1.0).value(), (Tensor<double>{{0.0, 1.0}, {2.0, 3.0}}));
  EXPECT_EQ((1.0 - a).value(), (Tensor<double>{{0.0, -1.0}, {-2.0, -3.0}}));
}

TEST(SubOp, GradientsAreOneAndMinusOneSummedToShape) {
  Tape<double> tape;
  const Var<double> a = tape.variable(random_tensor({2, 3}, 1));
  const Var<double> b = tape.variable(random_tensor({1, 3}, 2));
  tape.backward(sum(sub(a, b)));
  EXPECT_EQ(a.grad(), xt::ones<double>({2, 3}));
  EXPECT_EQ(b.grad(), (Tensor<double>{{-2.0, -2.0, -2.0}}));
}

TEST(SubOp, SelfMinusSelfHasZeroGradient) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({3}, 5));
  const Var<double> y = sub(x, x);
  EXPECT_EQ(y.value(), xt::zeros<double>({3}));
  tape.backward(sum(y));
  EXPECT_EQ(x.grad(), xt::zeros<double>({3}));
}

}  // namespace
}  // namespace tapegrad
