// gather (take-along-axis) and its adjoint gather_backward: values and
// gradients by hand (repeated indices add up), the batch loss −log p[label]
// against cross_entropy, and every error path. (Random-shape gradchecks: the
// op table.)
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <limits>

#include "ops/indexing_test_support.hpp"
#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::expect_op_error;
using testing::iota;

TEST(GatherOp, TakesAlongAnAxis) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({3, 4}));  // rows [0 1 2 3] [4 5 6 7] [8 9 10 11]
  const Var<double> cols = tape.constant(Tensor<double>{{3, 0}, {1, 1}, {2, 0}});
  EXPECT_EQ(gather(x, 1, cols).value(), (Tensor<double>{{3, 0}, {5, 5}, {10, 8}}));
  const Var<double> rows = tape.constant(Tensor<double>{{2, 0, 1, 2}});
  EXPECT_EQ(gather(x, 0, rows).value(), (Tensor<double>{{8, 1, 6, 11}}));
  EXPECT_EQ(gather(x, -2, rows).value(), gather(x, 0, rows).value());
  const Var<double> cube = tape.variable(iota({2, 3, 2}));
  const Var<double> pick = tape.constant(testing::shaped({2, 1, 2}, {2, 0, 1, 2}));
  EXPECT_EQ(gather(cube, 1, pick).value(), testing::shaped({2, 1, 2}, {4, 1, 8, 11}));
  const Var<double> none = tape.constant(Tensor<double>::from_shape({3, 0}));
  EXPECT_EQ(gather(x, 1, none).shape(), (Shape{3, 0}));
}

TEST(GatherOp, GradientAddsIntoThePickedPositions) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 3}));
  const Var<double> index = tape.constant(Tensor<double>{{2, 2, 0}, {1, 0, 1}});
  tape.backward(gather(x, 1, index), Tensor<double>{{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(x.grad(), (Tensor<double>{{3, 0, 3}, {5, 10, 0}}));
  EXPECT_FALSE(index.tape()->has_grad(index)) << "the index gets no gradient";
}

TEST(GatherOp, MinusLogOfThePickedLogProbabilitiesIsCrossEntropy) {
  Tape<double> tape;
  const Var<double> z = tape.variable(testing::random_tensor({4, 3}, 8, -2.0, 2.0));
  const Tensor<double> labels{2, 0, 1, 2};
  const Var<double> as_column = tape.constant(testing::column({2, 0, 1, 2}));
  const Var<double> nll = neg(mean(gather(log_softmax(z), 1, as_column)));
  const Var<double> fused = cross_entropy(z, tape.constant(labels));
  EXPECT_NEAR(nll.item(), fused.item(), 1e-14);
  testing::expect_tensor_near(tape.gradient(nll, {z})[0].value(),
                              tape.gradient(fused, {z})[0].value(), 1e-14, "∂/∂z");
}

TEST(GatherBackwardOp, ScattersAddingRepeatedPositions) {
  Tape<double> tape;
  const Var<double> g = tape.variable(Tensor<double>{{1, 2, 3}, {4, 5, 6}});
  const Var<double> index = tape.constant(Tensor<double>{{2, 2, 0}, {1, 0, 1}});
  const Var<double> y = gather_backward(g, 1, index, 4);
  EXPECT_EQ(y.value(), (Tensor<double>{{3, 0, 3, 0}, {5, 10, 0, 0}}));
  tape.backward(y, iota({2, 4}));  // its gradient is gather
  EXPECT_EQ(g.grad(), (Tensor<double>{{2, 2, 0}, {5, 4, 5}}));
}

TEST(GatherOp, BadInputNamesOpShapesAndNode) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 3}), "x");
  const auto indices = [&](Tensor<double> t) { return tape.constant(std::move(t)); };
  const Var<double> out_of_range = indices(Tensor<double>{{0, 3}, {1, 1}});
  expect_op_error<ValueError>(tape, [&] { (void)gather(x, 1, out_of_range); }, "gather",
                              {"index 3 at flat position 1 is not a whole number in [0, 3)",
                               "index of shape (2, 2), x of shape (2, 3)"});
  const Var<double> negative = indices(testing::column({0, -1}));
  expect_op_error<ValueError>(tape, [&] { (void)gather(x, 1, negative); }, "gather",
                              {"index -1 at flat position 1"});
  const Var<double> fractional = indices(testing::column({0.5, 1}));
  expect_op_error<ValueError>(tape, [&] { (void)gather(x, 1, fractional); }, "gather",
                              {"index 0.5 at flat position 0 is not a whole number"});
  const Var<double> nan = indices(testing::column({std::numeric_limits<double>::quiet_NaN(), 0}));
  expect_op_error<ValueError>(tape, [&] { (void)gather(x, 1, nan); }, "gather",
                              {"index nan at flat position 0"});
  const Var<double> wrong_rows = indices(testing::column({0, 1, 2}));
  expect_op_error<ShapeError>(
      tape, [&] { (void)gather(x, 1, wrong_rows); }, "gather",
      {"index of shape (3, 1), x of shape (2, 3)", "extents on every axis but 1"});
  const Var<double> wrong_rank = indices(Tensor<double>{0, 1});
  expect_op_error<ShapeError>(tape, [&] { (void)gather(x, 1, wrong_rank); }, "gather",
                              {"index of shape (2,), x of shape (2, 3)", "x's rank"});
  const Var<double> fine = indices(testing::column({0, 1}));
  expect_op_error<ValueError>(tape, [&] { (void)gather(x, 2, fine); }, "gather",
                              {"axis 2 is out of range for shape (2, 3)"});
}

// The index check runs as one vectorised pass, then looks for the culprit:
// a bad index anywhere in a long float index is found at its position.
TEST(GatherOp, FindsTheBadIndexAnywhereInALongFloatIndex) {
  Tape<float> tape;
  const Var<float> x = tape.variable(Tensor<float>(Shape{1, 5}, 1.0f), "x");
  const float inf = std::numeric_limits<float>::infinity();
  for (const float bad : {5.0f, -1.0f, 2.5f, inf, -inf, 1e30f, 8388609.0f}) {
    Tensor<float> index(Shape{1, 100}, 4.0f);
    index(0, 77) = bad;
    const Var<float> picks = tape.constant(std::move(index));
    expect_op_error<ValueError>(tape, [&] { (void)gather(x, 1, picks); }, "gather",
                                {fmt::format("index {} at flat position 77 is not a whole number "
                                             "in [0, 5)",
                                             bad)});
  }
  Tensor<float> whole(Shape{1, 100}, 0.0f);
  for (std::size_t k = 0; k < 100; ++k)
    whole(0, k) = static_cast<float>(k % 5);
  EXPECT_EQ(gather(x, 1, tape.constant(whole)).value(), Tensor<float>(Shape{1, 100}, 1.0f));
}

TEST(GatherBackwardOp, BadInputNamesOpShapesAndNode) {
  Tape<double> tape;
  const Var<double> g = tape.variable(iota({2, 2}));
  const Var<double> index = tape.constant(Tensor<double>{{0, 3}, {1, 1}});
  expect_op_error<ValueError>(tape, [&] { (void)gather_backward(g, 1, index, 3); },
                              "gather_backward",
                              {"index 3 at flat position 1 is not a whole number in [0, 3)",
                               "index of shape (2, 2), output of shape (2, 3)"});
  const Var<double> other = tape.constant(testing::column({0, 1}));
  expect_op_error<ShapeError>(tape, [&] { (void)gather_backward(g, 1, other, 3); },
                              "gather_backward",
                              {"g of shape (2, 2) and index of shape (2, 1) must have one shape"});
}

}  // namespace
}  // namespace tapegrad
