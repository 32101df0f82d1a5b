// permute and transpose(x, a, b) for any rank: every element lands where
// the permutation says, the gradient is the inverse permutation, the rank-2
// transpose(x) keeps its meaning, and every error path.
// (Random-shape gradchecks: the op table.)
#include <gtest/gtest.h>

#include "ops/indexing_test_support.hpp"
#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::expect_helper_error;
using testing::expect_op_error;
using testing::iota;

TEST(PermuteOp, MovesEveryElementWhereThePermutationSays) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 3, 4}));  // x[i][j][k] = 12i + 4j + k
  const Var<double> y = permute(x, {2, 0, 1});           // y[k][i][j] = x[i][j][k]
  ASSERT_EQ(y.shape(), (Shape{4, 2, 3}));
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      for (std::size_t k = 0; k < 4; ++k)
        EXPECT_EQ(y.value()(k, i, j), static_cast<double>(12 * i + 4 * j + k));
    }
  }
  EXPECT_EQ(permute(x, {-1, 0, 1}).value(), y.value());
  EXPECT_EQ(permute(x, {0, 1, 2}).value(), x.value());
  const Var<double> m = tape.variable(Tensor<double>{{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(permute(m, {1, 0}).value(), transpose(m).value());
  EXPECT_EQ(permute(tape.variable(Tensor<double>(5.0)), Span<int>()).value()(), 5.0);
  EXPECT_EQ(permute(tape.variable(Tensor<double>::from_shape({0, 2})), {1, 0}).shape(),
            (Shape{2, 0}));
}

TEST(PermuteOp, GradientIsTheInversePermutation) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 3, 4}));
  const Var<double> y = permute(x, {1, 2, 0});  // (3, 4, 2)
  const Tensor<double> seed = testing::random_tensor({3, 4, 2}, 3);
  tape.backward(y, seed);
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      for (std::size_t k = 0; k < 4; ++k)
        EXPECT_EQ(x.grad()(i, j, k), seed(j, k, i));
    }
  }
  // Used twice: both permuted gradients add up.
  const Var<double> m = tape.variable(iota({2, 2}));
  tape.backward(sum(permute(m, {1, 0}) * tape.constant(Tensor<double>{{1, 2}, {3, 4}})) + sum(m));
  EXPECT_EQ(m.grad(), (Tensor<double>{{2, 4}, {3, 5}}));
}

TEST(TransposeOfTwoAxes, SwapsThemForAnyRank) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 3, 4}));
  const Var<double> t = transpose(x, 0, 2);
  EXPECT_EQ(tape.node(t.id()).op->name(), "permute");
  EXPECT_EQ(t.value(), permute(x, {2, 1, 0}).value());
  EXPECT_EQ(transpose(x, -1, -2).value(), permute(x, {0, 2, 1}).value());
  EXPECT_EQ(transpose(x, 1, 1).value(), x.value());
  const Var<double> m = tape.variable(Tensor<double>{{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(transpose(m, 0, 1).value(), transpose(m).value());
  EXPECT_EQ(tape.node(transpose(m).id()).op->name(), "transpose") << "the rank-2 op stays";
}

TEST(PermuteOp, BadInputNamesOpShapeAndNode) {
  Tape<double> tape;
  const Var<double> x = tape.variable(iota({2, 3, 4}), "x");
  expect_op_error<ValueError>(
      tape,
      [&] {
        (void)permute(x, {0, 1});
      },
      "permute", {"axes (0, 1) are not a permutation of the 3 axes of shape (2, 3, 4)"});
  expect_op_error<ValueError>(tape,
                              [&] {
                                (void)permute(x, {0, 1, 1});
                              },
                              "permute", {"axes (0, 1, 1)"});
  expect_op_error<ValueError>(tape,
                              [&] {
                                (void)permute(x, {0, 1, 3});
                              },
                              "permute", {"axes (0, 1, 3)", "(2, 3, 4)"});
  expect_op_error<ValueError>(tape,
                              [&] {
                                (void)permute(x, {0, 1, -4});
                              },
                              "permute", {"axes (0, 1, -4)"});
  expect_op_error<ValueError>(
      tape,
      [&] {
        (void)tape.apply("permute", {x}, {{"rank", 9}});
      },
      "permute", {"attribute 'rank' must be in [0, 8], got 9"}, false);
  expect_op_error<ValueError>(
      tape,
      [&] {
        (void)tape.apply("permute", {x}, {{"rank", 3}, {"a0", 0}, {"a1", 1}});
      },
      "permute", {"missing attribute 'a2'"}, false);
  expect_helper_error(x, [&] { (void)transpose(x, 0, 3); }, "transpose",
                      {"axis 3 is out of range for shape (2, 3, 4)"});
  expect_helper_error(x, [&] { (void)transpose(x, -4, 0); }, "transpose", {"axis -4"});
}

}  // namespace
}  // namespace tapegrad
