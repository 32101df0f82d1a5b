#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(MaximumOp, GradcheckValuesBroadcastingAndShapeErrors) {
  testing::check_binary_op(
      "maximum", [](Var<double> a, Var<double> b) { return maximum(a, b); },
      [](double a, double b) { return std::max(a, b); }, false);
}

TEST(MinimumOp, GradcheckValuesBroadcastingAndShapeErrors) {
  testing::check_binary_op(
      "minimum", [](Var<double> a, Var<double> b) { return minimum(a, b); },
      [](double a, double b) { return std::min(a, b); }, false);
}

TEST(MaximumOp, TiesShareTheGradientEqually) {
  // Tensors of one shape, small (element by element) and large (vectorised),
  // broadcast, and flat scalars (the scalar kernel).
  for (const Shape& shape : {Shape{3}, Shape{40}}) {
    Tape<double> tape;
    const Tensor<double> av = random_tensor(shape, 1);
    Tensor<double> bv = random_tensor(shape, 2);
    bv(0) = av(0);
    const Var<double> a = tape.variable(av);
    const Var<double> b = tape.variable(bv);
    const Var<double> y = maximum(a, b);
    const Tensor<double> g = random_tensor(shape, 3);
    tape.backward(y, g);
    EXPECT_EQ(a.grad()(0), 0.5 * g(0));
    EXPECT_EQ(b.grad()(0), 0.5 * g(0));
    for (std::size_t i = 1; i < av.size(); ++i) {
      EXPECT_EQ(a.grad()(i), av(i) > bv(i) ? g(i) : 0.0) << i;
      EXPECT_EQ(b.grad()(i), av(i) > bv(i) ? 0.0 : g(i)) << i;
    }
  }
  {
    Tape<double> tape;
    const Var<double> a = tape.variable(Tensor<double>{{1.0, 2.0}, {3.0, 0.5}});
    const Var<double> b = tape.variable(Tensor<double>{2.0, 0.5});  // ties at (0, 1) and (1, 1)
    tape.backward(sum(minimum(a, b)));
    EXPECT_EQ(a.grad(), (Tensor<double>{{1.0, 0.0}, {0.0, 0.5}}));
    EXPECT_EQ(b.grad(), (Tensor<double>{1.0, 1.5}));  // summed over the broadcast rows
  }
  {
    Tape<double> tape;
    const Var<double> a = tape.variable(Tensor<double>(2.0));
    const Var<double> b = tape.variable(Tensor<double>(2.0));
    const Var<double> y = maximum(a, b);
    EXPECT_TRUE(tape.node(y.id()).flat);
    tape.backward(y);
    EXPECT_EQ(a.grad()(), 0.5);
    EXPECT_EQ(b.grad()(), 0.5);
  }
  {  // the same Var on both sides: ½ + ½, the derivative of x itself
    Tape<double> tape;
    const Var<double> x = tape.variable(random_tensor({2, 3}, 4));
    tape.backward(sum(maximum(x, x)));
    EXPECT_EQ(x.grad(), xt::ones<double>({2, 3}));
  }
}

TEST(MaximumOp, NanInEitherOperandGivesNan) {
  Tape<double> tape;
  for (const Shape& shape : {Shape{3}, Shape{20}}) {
    Tensor<double> av = random_tensor(shape, 5);
    Tensor<double> bv = random_tensor(shape, 6);
    av(0) = kNan;
    bv(1) = kNan;
    const Var<double> a = tape.constant(av);
    const Var<double> b = tape.constant(bv);
    for (const Var<double>& y : {maximum(a, b), minimum(a, b), maximum(b, a), minimum(b, a)}) {
      EXPECT_TRUE(std::isnan(y.value()(0))) << testing::str(shape);
      EXPECT_TRUE(std::isnan(y.value()(1))) << testing::str(shape);
      EXPECT_FALSE(std::isnan(y.value()(shape[0] - 1))) << testing::str(shape);
    }
  }
}

TEST(MaximumOp, Rank3Broadcasting) {
  Tape<double> tape;
  const Tensor<double> av = random_tensor({2, 3, 4}, 7);
  const Tensor<double> bv = random_tensor({3, 1}, 8);
  const Var<double> a = tape.variable(av);
  const Var<double> b = tape.variable(bv);
  const Var<double> y = maximum(a, b);
  ASSERT_EQ(y.shape(), (Shape{2, 3, 4}));
  tape.backward(sum(y));
  Tensor<double> db = xt::zeros<double>({3, 1});
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      for (std::size_t k = 0; k < 4; ++k) {
        EXPECT_EQ(y.value()(i, j, k), std::max(av(i, j, k), bv(j, 0)));
        EXPECT_EQ(a.grad()(i, j, k), av(i, j, k) > bv(j, 0) ? 1.0 : 0.0);
        db(j, 0) += av(i, j, k) > bv(j, 0) ? 0.0 : 1.0;
      }
    }
  }
  EXPECT_EQ(b.grad(), db);
}

}  // namespace
}  // namespace tapegrad
