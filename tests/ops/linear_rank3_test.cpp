// linear on a (batch, time, features) input: the same numbers as linear on
// its rows (batch·time, features), bit for bit, forward and backward, with
// the direct SGD update too; gradients of gradients; shape errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using V = Var<double>;

/// The elements of `rows` in `like`'s shape.
Tensor<double> shaped_like(Tensor<double> rows, const Tensor<double>& like) {
  rows.reshape(like.shape());
  return rows;
}

TEST(LinearRank3, EqualsLinearOnTheRowsBitForBit) {
  for (const bool with_bias : {false, true}) {
    for (const Shape& shape : {Shape{3, 4, 5}, Shape{1, 1, 5}, Shape{2, 1, 5}, Shape{1, 3, 5}}) {
      const Tensor<double> x = random_tensor(shape, 1);
      const Tensor<double> w = random_tensor({6, 5}, 2);
      const Tensor<double> b = random_tensor({6}, 3);
      Shape out = shape;
      out.back() = 6;
      const Tensor<double> g = random_tensor(out, 4);
      const std::string what = testing::str(shape) + (with_bias ? " with bias" : "");

      Tape<double> tape;
      const V xv = tape.variable(x), wv = tape.variable(w), bv = tape.variable(b);
      const V y = with_bias ? linear(xv, wv, bv) : linear(xv, wv);
      ASSERT_EQ(y.shape(), out) << what;
      tape.backward(y, g);

      Tape<double> rows;
      Tensor<double> x_rows = x, g_rows = g;
      x_rows.reshape({shape[0] * shape[1], 5});
      g_rows.reshape({shape[0] * shape[1], 6});
      const V xr = rows.variable(x_rows), wr = rows.variable(w), br = rows.variable(b);
      const V yr = with_bias ? linear(xr, wr, br) : linear(xr, wr);
      rows.backward(yr, g_rows);

      testing::expect_tensor_equal(y.value(), shaped_like(yr.value(), y.value()), what + " y");
      testing::expect_tensor_equal(xv.grad(), shaped_like(xr.grad(), x), what + " ∂x");
      testing::expect_tensor_equal(wv.grad(), wr.grad(), what + " ∂W");
      if (with_bias)
        testing::expect_tensor_equal(bv.grad(), br.grad(), what + " ∂b");
    }
  }
}

TEST(LinearRank3, HandLoopValueAndGradcheck) {
  const Tensor<double> x = random_tensor({2, 3, 4}, 5);
  const Tensor<double> w = random_tensor({2, 4}, 6);
  const Tensor<double> b = random_tensor({2}, 7);
  Tape<double> tape;
  const V y = linear(tape.constant(x), tape.constant(w), tape.constant(b));
  for (std::size_t n = 0; n < 2; ++n) {
    for (std::size_t t = 0; t < 3; ++t) {
      for (std::size_t o = 0; o < 2; ++o) {
        double expected = b(o);
        for (std::size_t i = 0; i < 4; ++i)
          expected += x(n, t, i) * w(o, i);
        EXPECT_NEAR(y.value()(n, t, o), expected, 1e-15);
      }
    }
  }
  TG_EXPECT_GRADCHECK(gradcheck("linear", {x, w, b}), "rank-3 linear by name");
  TG_EXPECT_GRADCHECK(gradgradcheck("linear", {x, w, b}), "rank-3 linear, second order");
}

TEST(LinearRank3, SgdUpdateDuringBackwardMatchesBackwardThenStep) {
  // The weight-gradient GEMM writes −α∇W straight into a watched W: the
  // flattened rows go through it like a matrix input's.
  const Tensor<double> x = random_tensor({2, 3, 4}, 8);
  Parameter<double> w_direct(random_tensor({5, 4}, 9), "W");
  Parameter<double> w_after(w_direct.value(), "W");
  nn::Sgd<double> direct({&w_direct}, 0.1);
  nn::Sgd<double> after({&w_after}, 0.1);
  {
    Tape<double> tape;
    tape.backward(sum(square(linear(tape.constant(x), tape.watch(w_direct)))),
                  {.gradient_ready = &direct});
  }
  {
    Tape<double> tape;
    tape.backward(sum(square(linear(tape.constant(x), tape.watch(w_after)))));
    after.step();
  }
  testing::expect_tensor_near(w_direct.value(), w_after.value(), 1e-15, "W after one step");
}

TEST(LinearRank3, ShapeErrorsNameTheShapes) {
  Tape<double> tape;
  const V x = tape.variable(random_tensor({2, 3, 4}, 1));
  const V w = tape.variable(random_tensor({5, 3}, 2));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)linear(x, w); }, "linear",
                                       {"(2, 3, 4)", "(5, 3)", "input size"});
  const V good_w = tape.variable(random_tensor({5, 4}, 3));
  const V bad_b = tape.variable(random_tensor({4}, 4));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)linear(x, good_w, bad_b); }, "linear",
                                       {"bias", "(4,)", "(5,)"});
}

}  // namespace
}  // namespace tapegrad
