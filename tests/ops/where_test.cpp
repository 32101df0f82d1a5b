#include <gtest/gtest.h>

#include <limits>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(WhereOp, ValuesAndGradientsWithBroadcasting) {
  Tape<double> tape;
  const Var<double> mask = tape.constant(testing::column({1.0, 0.0, 1.0}));  // (3, 1)
  const Var<double> a = tape.variable(Tensor<double>{{10.0, 20.0}});         // (1, 2)
  const Var<double> b = tape.variable(Tensor<double>(-1.0));                 // ()
  const Var<double> y = where(mask, a, b);
  EXPECT_EQ(y.value(), (Tensor<double>{{10.0, 20.0}, {-1.0, -1.0}, {10.0, 20.0}}));
  const Tensor<double> g{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}};
  tape.backward(y, g);
  EXPECT_EQ(a.grad(), (Tensor<double>{{6.0, 8.0}}));  // rows 0 and 2, summed
  EXPECT_EQ(b.grad(), Tensor<double>(7.0));           // row 1, summed
}

TEST(WhereOp, TheMaskGetsNoGradientEvenAsAVariable) {
  Tape<double> tape;
  const Var<double> mask = tape.variable(Tensor<double>{1.0, 0.0, 0.0, 1.0});
  const Var<double> a = tape.variable(random_tensor({4}, 1));
  const Var<double> b = tape.variable(random_tensor({4}, 2));
  tape.backward(sum(where(mask, a, b)));
  EXPECT_EQ(mask.grad(), xt::zeros<double>({4}));
  EXPECT_EQ(a.grad(), mask.value());
  EXPECT_EQ(b.grad(), 1.0 - mask.value());
}

TEST(WhereOp, FlatScalarsAndLargeTensors) {
  Tape<double> tape;
  const Var<double> one = tape.constant(Tensor<double>(1.0));
  const Var<double> a = tape.variable(Tensor<double>(2.0));
  const Var<double> b = tape.variable(Tensor<double>(3.0));
  const Var<double> y = where(one, a, b);
  EXPECT_TRUE(tape.node(y.id()).flat);
  EXPECT_EQ(y.item(), 2.0);
  tape.backward(y);
  EXPECT_EQ(a.grad()(), 1.0);
  EXPECT_EQ(b.grad()(), 0.0);

  Tensor<double> m = random_tensor({6, 7}, 3);
  for (double& v : m)
    v = v > 0 ? 1 : 0;
  const Tensor<double> av = random_tensor({6, 7}, 4);
  const Tensor<double> bv = random_tensor({7}, 5);
  const Var<double> big = where(tape.constant(m), tape.constant(av), tape.constant(bv));
  for (std::size_t i = 0; i < 6; ++i) {
    for (std::size_t j = 0; j < 7; ++j)
      EXPECT_EQ(big.value()(i, j), m(i, j) == 1 ? av(i, j) : bv(j));
  }
}

TEST(WhereOp, WithAComparisonAsACausalMask) {
  // The attention pattern: keep the scores at or below the diagonal, −1e9
  // above it; the masked scores get no gradient.
  Tape<double> tape;
  const Var<double> rows = tape.constant(testing::column({0.0, 1.0, 2.0}));
  const Var<double> cols = tape.constant(Tensor<double>{{0.0, 1.0, 2.0}});
  const Var<double> scores = tape.variable(random_tensor({3, 3}, 6));
  const Var<double> masked =
      where(less_equal(cols, rows), scores, tape.constant(Tensor<double>(-1e9)));
  EXPECT_EQ(masked.value()(0, 1), -1e9);
  EXPECT_EQ(masked.value()(2, 1), scores.value()(2, 1));
  tape.backward(sum(softmax(masked) * tape.constant(random_tensor({3, 3}, 7))));
  EXPECT_EQ(scores.grad()(0, 1), 0.0);
  EXPECT_EQ(scores.grad()(0, 2), 0.0);
  EXPECT_EQ(scores.grad()(1, 2), 0.0);
  EXPECT_NE(scores.grad()(2, 1), 0.0);
}

TEST(WhereOp, TheMaskMustHoldOnlyZerosAndOnes) {
  Tape<double> tape;
  const Var<double> a = tape.variable(random_tensor({2, 3}, 1));
  const Var<double> half = tape.constant(Tensor<double>{1.0, 0.5, 0.0});
  testing::expect_op_error<ValueError>(
      tape, [&] { (void)where(half, a, a); }, "where",
      {"the mask (shape (3,)) must hold only 0 and 1, got 0.5 at flat index 1"});
  const Var<double> nan = tape.constant(Tensor<double>{std::numeric_limits<double>::quiet_NaN()});
  testing::expect_op_error<ValueError>(tape, [&] { (void)where(nan, a, a); }, "where",
                                       {"(1,)", "got nan at flat index 0"});
  // A flat scalar mask too (not chosen by the scalar kernel).
  const Var<double> two = tape.constant(Tensor<double>(2.0));
  const Var<double> s = tape.variable(Tensor<double>(1.0));
  testing::expect_op_error<ValueError>(tape, [&] { (void)where(two, s, s); }, "where",
                                       {"(shape ())", "got 2"});
}

TEST(WhereOp, MismatchedShapesNameAllThree) {
  Tape<double> tape;
  const Var<double> mask = tape.constant(Tensor<double>{1.0, 0.0});
  const Var<double> a = tape.variable(random_tensor({3, 2}, 1));
  const Var<double> b = tape.variable(random_tensor({4}, 2));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)where(mask, a, b); }, "where",
                                       {"cannot broadcast mask (2,), a (3, 2) and b (4,)"});
  const Var<double> wide = tape.constant(Tensor<double>{1.0, 0.0, 1.0});
  testing::expect_op_error<ShapeError>(tape, [&] { (void)where(wide, a, a); }, "where",
                                       {"mask (3,), a (3, 2) and b (3, 2)"});
}

}  // namespace
}  // namespace tapegrad
