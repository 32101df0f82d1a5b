// index: one position along an axis, the axis dropped. Values and gradients
// by hand, the lecture-style loss −log y[1] against cross_entropy, and every
// error path. (Random-shape gradchecks: the op table.)
#include <gtest/gtest.h>

#include "ops/indexing_test_support.hpp"
#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::expect_op_error;
using testing::iota;

TEST(IndexOp, PicksOnePositionAndDropsTheAxis) {
  Tape<double> tape;
  const Var<double> m = tape.variable(iota({3, 4}));
  EXPECT_EQ(index(m, 0, 1).value(), (Tensor<double>{4, 5, 6, 7}));
  EXPECT_EQ(index(m, 1, -1).value(), (Tensor<double>{3, 7, 11}));
  EXPECT_EQ(index(m, -2, -3).value(), (Tensor<double>{0, 1, 2, 3}));
  const Var<double> v = tape.variable(Tensor<double>{5, 6, 7});
  const Var<double> last = index(v, 0, -1);
  EXPECT_EQ(last.shape(), Shape{});
  EXPECT_EQ(last.item(), 7.0);
  const Var<double> cube = tape.variable(iota({2, 3, 2}));
  EXPECT_EQ(index(cube, 1, 2).value(), (Tensor<double>{{4, 5}, {10, 11}}));
  EXPECT_EQ(index(cube, 2, 0).value(), (Tensor<double>{{0, 2, 4}, {6, 8, 10}}));
}

TEST(IndexOp, GradientGoesToThePickedPosition) {
  Tape<double> tape;
  const Var<double> m = tape.variable(iota({3, 4}));
  tape.backward(index(m, 1, 2), Tensor<double>{1, 2, 3});
  EXPECT_EQ(m.grad(), (Tensor<double>{{0, 0, 1, 0}, {0, 0, 2, 0}, {0, 0, 3, 0}}));
  // Rows used twice and once: contributions add.
  tape.backward(sum(index(m, 0, 0) * index(m, 0, 2)) + sum(index(m, 0, 0)));
  EXPECT_EQ(m.grad(), (Tensor<double>{{9, 10, 11, 12}, {0, 0, 0, 0}, {0, 1, 2, 3}}));
}

TEST(IndexOp, MinusLogOfThePickedProbabilityIsCrossEntropy) {
  const Tensor<double> logits{0.3, -1.2, 2.5, 0.0, -0.7};
  for (std::int64_t label = 0; label < 5; ++label) {
    Tape<double> tape;
    const Var<double> z = tape.variable(logits);
    const Var<double> picked = neg(log(index(softmax(z), 0, label)));
    const Var<double> fused = cross_entropy(z, tape.constant(Tensor<double>{double(label)}));
    EXPECT_NEAR(picked.item(), fused.item(), 1e-14) << "label " << label;
    const Tensor<double> g_picked = tape.gradient(picked, {z})[0].value();
    const Tensor<double> g_fused = tape.gradient(fused, {z})[0].value();
    testing::expect_tensor_near(g_picked, g_fused, 1e-14,
                                "gradient, label " + std::to_string(label));
  }
}

TEST(IndexOp, BadInputNamesOpShapeAndNode) {
  Tape<double> tape;
  const Var<double> m = tape.variable(iota({3, 4}), "m");
  expect_op_error<ValueError>(tape, [&] { (void)index(m, 0, 3); }, "index",
                              {"position 3 is out of range for axis 0 (length 3) of shape (3, 4)"});
  expect_op_error<ValueError>(tape, [&] { (void)index(m, 1, -5); }, "index",
                              {"position -5", "length 4", "(3, 4)"});
  expect_op_error<ValueError>(tape, [&] { (void)index(m, 2, 0); }, "index",
                              {"axis 2 is out of range for shape (3, 4)"});
  const Var<double> empty = tape.variable(Tensor<double>::from_shape({0, 2}));
  expect_op_error<ValueError>(tape, [&] { (void)index(empty, 0, 0); }, "index",
                              {"position 0 is out of range for axis 0 (length 0) of shape (0, 2)"});
  const Var<double> s = tape.variable(Tensor<double>(1.0));
  expect_op_error<ValueError>(tape, [&] { (void)index(s, 0, 0); }, "index",
                              {"a scalar has no axis"});
  expect_op_error<ValueError>(
      tape,
      [&] {
        (void)tape.apply("index", {m}, {{"axis", 0}, {"position", 1.5}});
      },
      "index", {"attribute 'position' must be a whole number, got 1.5"}, false);
}

}  // namespace
}  // namespace tapegrad
