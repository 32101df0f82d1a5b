// concat and stack: values and gradients by hand, inputs used twice, and
// every error path (no inputs, mismatched shapes, bad axes, scalars).
// (Random-shape gradchecks: the op table.)
#include <gtest/gtest.h>

#include "ops/indexing_test_support.hpp"
#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::expect_op_error;
using testing::iota;

TEST(ConcatOp, JoinsAlongAnExistingAxis) {
  Tape<double> tape;
  const Var<double> a = tape.variable(Tensor<double>{{1, 2}, {3, 4}});
  const Var<double> b = tape.variable(testing::column({5, 6}));
  const Var<double> c = tape.variable(Tensor<double>{{7, 8}});
  EXPECT_EQ(concat({a, b}, 1).value(), (Tensor<double>{{1, 2, 5}, {3, 4, 6}}));
  EXPECT_EQ(concat({a, c}).value(), (Tensor<double>{{1, 2}, {3, 4}, {7, 8}}));
  EXPECT_EQ(concat({a, a, c}, -2).shape(), (Shape{5, 2}));
  EXPECT_EQ(concat({a}, 1).value(), a.value());
  const Var<double> u = tape.variable(iota({2, 1, 2}));
  const Var<double> w = tape.variable(iota({2, 2, 2}));
  EXPECT_EQ(concat({u, w}, 1).value(),
            (Tensor<double>{{{0, 1}, {0, 1}, {2, 3}}, {{2, 3}, {4, 5}, {6, 7}}}));
  const std::vector<Var<double>> parts = {c, a};
  EXPECT_EQ(concat(parts).value(), (Tensor<double>{{7, 8}, {1, 2}, {3, 4}}));
  EXPECT_EQ(tape.apply("concat", {b, a}, {{"axis", 1}}).value(),
            (Tensor<double>{{5, 1, 2}, {6, 3, 4}}));
}

TEST(ConcatOp, EachInputGetsItsBlockOfTheGradient) {
  Tape<double> tape;
  const Var<double> a = tape.variable(Tensor<double>{{1, 2}, {3, 4}});
  const Var<double> b = tape.variable(testing::column({5, 6}));
  tape.backward(concat({a, b, a}, 1), Tensor<double>{{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}});
  EXPECT_EQ(a.grad(), (Tensor<double>{{1 + 4, 2 + 5}, {6 + 9, 7 + 10}}));  // used twice
  EXPECT_EQ(b.grad(), (testing::column({3, 8})));
}

TEST(ConcatOp, BadInputNamesOpShapesAndNode) {
  Tape<double> tape;
  const Var<double> a = tape.variable(iota({2, 3}));
  const Var<double> b = tape.variable(iota({3, 3}));
  const Var<double> v = tape.variable(iota({3}));
  expect_op_error<ShapeError>(tape,
                              [&] {
                                (void)concat({a, b}, 1);
                              },
                              "concat", {"cannot join shapes (2, 3), (3, 3) along axis 1"});
  expect_op_error<ShapeError>(tape,
                              [&] {
                                (void)concat({a, v}, 0);
                              },
                              "concat", {"(2, 3), (3,)", "one rank"});
  expect_op_error<ValueError>(tape,
                              [&] {
                                (void)concat({a, b}, 2);
                              },
                              "concat", {"axis 2 is out of range for shape (2, 3)"});
  const Var<double> s = tape.variable(Tensor<double>(1.0));
  expect_op_error<ValueError>(tape,
                              [&] {
                                (void)concat({s, s});
                              },
                              "concat", {"a scalar has no axis"});
  // No inputs: by name a node is being recorded; the free function has none.
  expect_op_error<ValueError>(tape,
                              [&] {
                                (void)tape.apply("concat", {}, {{"axis", 0}});
                              },
                              "concat", {"needs at least one input"});
  expect_op_error<ValueError>(
      tape, [&] { (void)concat(std::vector<Var<double>>{}); }, "concat",
      {"needs at least one input"}, false);
}

TEST(StackOp, StacksAlongANewAxis) {
  Tape<double> tape;
  const Var<double> a = tape.variable(Tensor<double>{{1, 2, 3}, {4, 5, 6}});
  const Var<double> b = tape.variable(Tensor<double>{{7, 8, 9}, {10, 11, 12}});
  EXPECT_EQ(stack({a, b}).value(),
            (Tensor<double>{{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, 12}}}));
  EXPECT_EQ(stack({a, b}, 1).value(),
            (Tensor<double>{{{1, 2, 3}, {7, 8, 9}}, {{4, 5, 6}, {10, 11, 12}}}));
  EXPECT_EQ(stack({a, b}, -1).value(),
            (Tensor<double>{{{1, 7}, {2, 8}, {3, 9}}, {{4, 10}, {5, 11}, {6, 12}}}));
  EXPECT_EQ(stack({a, b}, -3).value(), stack({a, b}, 0).value());
  const Var<double> x = tape.variable(Tensor<double>(2.0));
  const Var<double> y = tape.variable(Tensor<double>(3.0));
  EXPECT_EQ(stack({x, y, x}).value(), (Tensor<double>{2, 3, 2}));  // scalars to a vector
}

TEST(StackOp, EachInputGetsItsPositionOfTheGradient) {
  Tape<double> tape;
  const Var<double> a = tape.variable(Tensor<double>{1, 2});
  const Var<double> b = tape.variable(Tensor<double>{3, 4});
  tape.backward(stack({a, b, a}, 1), Tensor<double>{{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(a.grad(), (Tensor<double>{1 + 3, 4 + 6}));
  EXPECT_EQ(b.grad(), (Tensor<double>{2, 5}));
  const Var<double> x = tape.variable(Tensor<double>(2.0));
  tape.backward(index(stack({x, square(x)}), 0, 1));  // d(x²)/dx through a stack of scalars
  EXPECT_EQ(x.grad()(), 4.0);
}

TEST(StackOp, BadInputNamesOpShapesAndNode) {
  Tape<double> tape;
  const Var<double> a = tape.variable(iota({2, 3}));
  const Var<double> b = tape.variable(iota({3, 2}));
  expect_op_error<ShapeError>(tape,
                              [&] {
                                (void)stack({a, b});
                              },
                              "stack", {"cannot stack shapes (2, 3), (3, 2)", "the same shape"});
  expect_op_error<ValueError>(tape,
                              [&] {
                                (void)stack({a, a}, 3);
                              },
                              "stack", {"axis 3 is out of range for shape (2, 3)"});
  expect_op_error<ValueError>(tape, [&] { (void)stack({a, a}, -4); }, "stack", {"axis -4"});
  expect_op_error<ValueError>(tape, [&] { (void)tape.apply("stack", {}, {}); }, "stack",
                              {"needs at least one input"});
  expect_op_error<ValueError>(
      tape, [&] { (void)stack(std::vector<Var<double>>{}, 0); }, "stack",
      {"needs at least one input"}, false);
}

}  // namespace
}  // namespace tapegrad
