#include <gtest/gtest.h>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(AddOp, GradcheckValuesBroadcastAndErrors) {
  testing::check_binary_op(
      "add", [](Var<double> a, Var<double> b) { return add(a, b); },
      [](double a, double b) { return a + b; }, false);
}

TEST(AddOp, ForwardValuesAndOperator) {
  Tape<double> tape;
  const Var<double> a = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  const Var<double> b = tape.variable(Tensor<double>{10.0, 20.0, 30.0});
  const Var<double> y = a + b;
  const Tensor<double> expected{{11.0, 22.0, 33.0}, {14.0, 25.0, 36.0}};
  EXPECT_EQ(y.value(), expected);
  EXPECT_EQ(tape.node(y.id()).op->name(), "add");
  EXPECT_EQ((a + 2.5).value(), (Tensor<double>{{3.5, 4.5, 5.5}, {6.5, 7.5, 8.5}}));
  EXPECT_EQ((2.5 + a).value(), (Tensor<double>{{3.5, 4.5, 5.5}, {6.5, 7.5, 8.5}}));
}

TEST(AddOp, BroadcastGradientsSumOverStretchedAxes) {
  Tape<double> tape;
  const Var<double> a = tape.variable(random_tensor({3, 4}, 1));
  const Var<double> row = tape.variable(random_tensor({4}, 2));
  const Var<double> col = tape.variable(random_tensor({3, 1}, 3));
  const Var<double> s = tape.variable(random_tensor({}, 4));
  tape.backward(sum(add(add(add(a, row), col), s)));
  EXPECT_EQ(a.grad(), xt::ones<double>({3, 4}));
  EXPECT_EQ(row.grad(), (Tensor<double>{3.0, 3.0, 3.0, 3.0}));
  EXPECT_EQ(col.grad(), testing::column({4.0, 4.0, 4.0}));
  ASSERT_EQ(s.grad().dimension(), 0u);
  EXPECT_EQ(s.grad()(), 12.0);
}

TEST(AddOp, SameVarTwiceAccumulates) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, -2.0});
  tape.backward(sum(add(x, x)));
  EXPECT_EQ(x.grad(), (Tensor<double>{2.0, 2.0}));
}

}  // namespace
}  // namespace tapegrad
