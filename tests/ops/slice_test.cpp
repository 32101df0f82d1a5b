// slice, its adjoint slice_backward, and the split/chunk helpers built on
// it: values and gradients against hand-computed results, and every error
// path. (Random-shape gradchecks: the op table, op_cases_indexing.cpp.)
#include <gtest/gtest.h>

#include "ops/indexing_test_support.hpp"
#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::expect_helper_error;
using testing::expect_op_error;
using testing::iota;

TEST(SliceOp, SelectsLikeNumpy) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 5}));  // [[0 1 2 3 4] [5 6 7 8 9]]
  EXPECT_EQ(slice(x, 1, 1, 3).value(), (Tensor<double>{{1, 2}, {6, 7}}));
  EXPECT_EQ(slice(x, 1, -2).value(), (Tensor<double>{{3, 4}, {8, 9}}));         // x[:, -2:]
  EXPECT_EQ(slice(x, -1, 0, -1, 2).value(), (Tensor<double>{{0, 2}, {5, 7}}));  // x[:, 0:-1:2]
  EXPECT_EQ(slice(x, 1, 0, std::nullopt, 3).value(), (Tensor<double>{{0, 3}, {5, 8}}));
  EXPECT_EQ(slice(x, 0, 1, 2).value(), (Tensor<double>{{5, 6, 7, 8, 9}}));
  EXPECT_EQ(slice(x, 0, -2).value(), x.value());
  EXPECT_EQ(slice(x, 1, 2, 2).shape(), (Shape{2, 0}));  // empty, as x[:, 2:2]
  EXPECT_EQ(slice(x, 1, 5).shape(), (Shape{2, 0}));

  const Var<double> cube = tape.variable(iota({2, 3, 2}));
  EXPECT_EQ(slice(cube, 1, 1, 3, 1).value(),
            (Tensor<double>{{{2, 3}, {4, 5}}, {{8, 9}, {10, 11}}}));
  EXPECT_EQ(slice(cube, 2, 1).value(), testing::shaped({2, 3, 1}, {1, 3, 5, 7, 9, 11}));
}

TEST(SliceOp, GradientPutsGBackAndZerosTheRest) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 5}));
  const Var<double> y = slice(x, 1, 0, 5, 2);  // columns 0, 2, 4
  tape.backward(y, Tensor<double>{{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(x.grad(), (Tensor<double>{{1, 0, 2, 0, 3}, {4, 0, 5, 0, 6}}));

  // Two slices of one input: both contributions add up where they overlap.
  const Var<double> both = sum(slice(x, 1, 0, 3)) + sum(scale(slice(x, 1, 2), 10.0));
  tape.backward(both);
  EXPECT_EQ(x.grad(), (Tensor<double>{{1, 1, 11, 10, 10}, {1, 1, 11, 10, 10}}));
}

TEST(SliceOp, RecordedGradientIsASliceBackwardWhoseGradientIsASlice) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 5}));
  const Var<double> y = sum(square(slice(x, 1, 1, 5, 3)));  // columns 1, 4
  const Var<double> g = tape.gradient(y, {x}, {.create_graph = true})[0];
  EXPECT_EQ(g.value(), (Tensor<double>{{0, 2, 0, 0, 8}, {0, 12, 0, 0, 18}}));  // 2x there
  bool found = false;
  for (NodeId id = 0; id < tape.size(); ++id)
    found = found || (tape.node(id).op && tape.node(id).op->name() == "slice_backward");
  EXPECT_TRUE(found) << "the recorded gradient uses slice_backward";
  const Var<double> h = tape.gradient(sum(g), {x})[0];  // ∂(Σ 2x over the slice)/∂x
  EXPECT_EQ(h.value(), (Tensor<double>{{0, 2, 0, 0, 2}, {0, 2, 0, 0, 2}}));
}

TEST(SliceBackwardOp, ScattersIntoZeros) {
  Tape<double> tape;
  const Var<double> g = tape.variable(Tensor<double>{{1, 2}, {3, 4}});
  EXPECT_EQ(slice_backward(g, 1, 5, 1, 3).value(),
            (Tensor<double>{{0, 1, 0, 0, 2}, {0, 3, 0, 0, 4}}));
  EXPECT_EQ(slice_backward(g, 0, 3, 1).value(), (Tensor<double>{{0, 0}, {1, 2}, {3, 4}}));
  const Var<double> y = slice_backward(g, -1, 4, 2);
  EXPECT_EQ(y.value(), (Tensor<double>{{0, 0, 1, 2}, {0, 0, 3, 4}}));
  tape.backward(y, iota({2, 4}));
  EXPECT_EQ(g.grad(), (Tensor<double>{{2, 3}, {6, 7}}));
}

TEST(SliceOp, BadInputNamesOpShapeAndNode) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 5}), "x");
  expect_op_error<ValueError>(tape, [&] { (void)slice(x, 2, 0, 1); }, "slice",
                              {"axis 2 is out of range for shape (2, 5)"});
  expect_op_error<ValueError>(tape, [&] { (void)slice(x, -3, 0, 1); }, "slice",
                              {"axis -3", "(2, 5)"});
  expect_op_error<ValueError>(tape, [&] { (void)slice(x, 1, 0, 6); }, "slice",
                              {"slice 0:6 of axis 1 (length 5) of shape (2, 5) is out of range"});
  expect_op_error<ValueError>(tape, [&] { (void)slice(x, 1, -6); }, "slice",
                              {"slice -6: of axis 1", "(2, 5)"});
  expect_op_error<ValueError>(tape, [&] { (void)slice(x, 1, 3, 1); }, "slice",
                              {"slice 3:1", "need 0 ≤ start ≤ stop ≤ 5"});
  expect_op_error<ValueError>(tape, [&] { (void)slice(x, 1, 0, 2, 0); }, "slice",
                              {"step 0 of a slice of shape (2, 5) must be at least 1"});
  expect_op_error<ValueError>(tape, [&] { (void)slice(x, 1, 0, 2, -1); }, "slice", {"step -1"});
  const Var<double> s = tape.variable(Tensor<double>(3.0));
  expect_op_error<ValueError>(tape, [&] { (void)slice(s, 0, 0, 1); }, "slice",
                              {"axis 0 is out of range for shape ()", "a scalar has no axis"});
  // By name: attributes that are not whole numbers, or missing, are refused
  // before anything is recorded.
  expect_op_error<ValueError>(
      tape,
      [&] {
        (void)tape.apply("slice", {x}, {{"axis", 1}, {"start", 0.5}});
      },
      "slice", {"attribute 'start' must be a whole number, got 0.5"}, false);
  expect_op_error<ValueError>(
      tape,
      [&] {
        (void)tape.apply("slice", {x}, {{"start", 0}});
      },
      "slice", {"missing attribute 'axis'"}, false);
  // The tape still works after the failures.
  EXPECT_EQ(slice(x, 0, 1).shape(), (Shape{1, 5}));
}

TEST(SliceBackwardOp, BadInputNamesOpShapeAndNode) {
  Tape<double> tape;
  const Var<double> g = tape.variable(iota({2, 3}));
  expect_op_error<ValueError>(
      tape, [&] { (void)slice_backward(g, 1, 6, 1, 3); }, "slice_backward",
      {"3 positions from 1 in steps of 3 do not fit length 6", "g of shape (2, 3)"});
  expect_op_error<ValueError>(tape, [&] { (void)slice_backward(g, 1, 3, 0, 0); }, "slice_backward",
                              {"steps of 0"});
  expect_op_error<ValueError>(tape, [&] { (void)slice_backward(g, 2, 3, 0); }, "slice_backward",
                              {"axis 2 is out of range for shape (2, 3)"});
}

TEST(SplitAndChunk, CutIntoSlices) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 6}));
  const std::vector<Var<double>> parts = split(x, {1, 2, 3}, 1);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].value(), (testing::column({0, 6})));
  EXPECT_EQ(parts[1].value(), (Tensor<double>{{1, 2}, {7, 8}}));
  EXPECT_EQ(parts[2].value(), (Tensor<double>{{3, 4, 5}, {9, 10, 11}}));
  for (const Var<double>& p : parts)
    EXPECT_EQ(tape.node(p.id()).op->name(), "slice");

  const std::vector<Var<double>> gates = chunk(x, 3, -1);
  ASSERT_EQ(gates.size(), 3u);
  EXPECT_EQ(gates[2].value(), (Tensor<double>{{4, 5}, {10, 11}}));
  const std::vector<Var<double>> rows = chunk(x, 2);  // axis 0
  EXPECT_EQ(rows[1].value(), (Tensor<double>{{6, 7, 8, 9, 10, 11}}));
  // The parts' gradients meet in x.
  tape.backward(sum(gates[0]) + scale(sum(gates[2]), 3.0));
  EXPECT_EQ(x.grad(), (Tensor<double>{{1, 1, 0, 0, 3, 3}, {1, 1, 0, 0, 3, 3}}));
}

TEST(SplitAndChunk, BadInputNamesHelperShapeAndNode) {
  Tape<double> tape;
  (void)tape.constant(Tensor<double>{1.0});
  const Var<double> x = tape.variable(iota({2, 6}), "gates");
  const std::size_t before = tape.size();
  expect_helper_error(
      x,
      [&] {
        (void)split(x, {2, 3}, 1);
      },
      "split", {"sizes [2, 3] do not add up to the length 6 of axis 1 of shape (2, 6)", "'gates'"});
  expect_helper_error(x, [&] { (void)split(x, Span<std::size_t>(), 1); }, "split",
                      {"sizes [] do not add up"});
  expect_helper_error(x, [&] { (void)split(x, {6}, 2); }, "split",
                      {"axis 2 is out of range for shape (2, 6)"});
  expect_helper_error(x, [&] { (void)chunk(x, 4, 1); }, "chunk",
                      {"axis 1 of length 6 (shape (2, 6)) does not divide into 4 equal parts"});
  expect_helper_error(x, [&] { (void)chunk(x, 0, 1); }, "chunk", {"into 0 equal parts"});
  EXPECT_EQ(tape.size(), before) << "a refused split records nothing";
}

}  // namespace
}  // namespace tapegrad
