#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "ops/op_test_support.hpp"
#include "ops/reduction_reference.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

/// One-hot at the extreme (random inputs never tie).
testing::SliceGradient one_hot_at(bool largest) {
  return [largest](const std::vector<double>& v) {
    const auto at =
        largest ? std::max_element(v.begin(), v.end()) : std::min_element(v.begin(), v.end());
    std::vector<double> d(v.size(), 0.0);
    d[static_cast<std::size_t>(at - v.begin())] = 1;
    return d;
  };
}

TEST(MaxOp, GradcheckValuesAndGradientsOverEveryAxis) {
  testing::check_reduction_op(
      "max", [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); },
      one_hot_at(true), -1, 1);
}

TEST(MinOp, GradcheckValuesAndGradientsOverEveryAxis) {
  testing::check_reduction_op(
      "min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); },
      one_hot_at(false), -1, 1);
}

TEST(MaxOp, KnownValuesAndTypedFunctions) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, 5.0, -2.0}, {4.0, 0.0, 6.0}});
  EXPECT_EQ(max(x).item(), 6.0);
  EXPECT_EQ(min(x).item(), -2.0);
  EXPECT_EQ(max(x, 0).value(), (Tensor<double>{4.0, 5.0, 6.0}));
  EXPECT_EQ(min(x, -1, true).value(), testing::column({-2.0, 0.0}));
  EXPECT_EQ(tape.node(max(x, 1, true).id()).op->attributes(),
            (Attributes{{"axis", 1}, {"keepdims", 1}}));
  EXPECT_EQ(tape.node(max(x).id()).op->attributes(), (Attributes{{"keepdims", 0}}));
  // A rank-3 input along its middle axis.
  const Tensor<double> cube = random_tensor({2, 3, 4}, 1);
  const Var<double> m = max(tape.constant(cube), 1);
  ASSERT_EQ(m.shape(), (Shape{2, 4}));
  EXPECT_EQ(m.value()(1, 2), std::max({cube(1, 0, 2), cube(1, 1, 2), cube(1, 2, 2)}));
}

TEST(MaxOp, TiesShareTheGradientEqually) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{3.0, 1.0, 3.0}, {2.0, 2.0, 2.0}});
  tape.backward(sum(max(x, 1)));
  EXPECT_EQ(x.grad(), (Tensor<double>{{0.5, 0.0, 0.5}, {1.0 / 3, 1.0 / 3, 1.0 / 3}}));
  tape.backward(min(x));  // 1 once
  EXPECT_EQ(x.grad(), (Tensor<double>{{0.0, 1.0, 0.0}, {0.0, 0.0, 0.0}}));
  tape.backward(max(x));  // 3 twice
  EXPECT_EQ(x.grad(), (Tensor<double>{{0.5, 0.0, 0.5}, {0.0, 0.0, 0.0}}));
  // The recorded gradient shares the same way; its own derivative is 0.
  const Var<double> g = tape.gradient(max(x), {x}, {.create_graph = true})[0];
  EXPECT_EQ(g.value(), x.grad());
  const Var<double> second = tape.gradient(sum(g * x), {x})[0];
  EXPECT_EQ(second.value(), x.grad());  // ∂(Σ g·x)/∂x = g, g itself constant in x
}

TEST(MaxOp, NanIsTheExtreme) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Tape<double> tape;
  const Var<double> x = tape.constant(Tensor<double>{{1.0, nan, 3.0}, {4.0, 5.0, 6.0}});
  EXPECT_TRUE(std::isnan(max(x).item()));
  EXPECT_TRUE(std::isnan(min(x).item()));
  const Tensor<double> rows = max(x, 1).value();
  EXPECT_TRUE(std::isnan(rows(0)));
  EXPECT_EQ(rows(1), 6.0);
}

TEST(MaxOp, NoElementsAndBadAxes) {
  Tape<double> tape;
  const Var<double> empty = tape.variable(Tensor<double>::from_shape({0, 3}));
  testing::expect_op_error<ValueError>(tape, [&] { (void)max(empty); }, "max",
                                       {"the max of no elements is undefined (shape (0, 3))"});
  testing::expect_op_error<ValueError>(tape, [&] { (void)min(empty, 0); }, "min",
                                       {"the min of no elements", "(0, 3)"});
  // Along an axis that has elements, an empty input has no results: fine.
  EXPECT_EQ(max(empty, 1).shape(), (Shape{0}));
  const Var<double> x = tape.variable(random_tensor({2, 3}, 2));
  testing::expect_op_error<ValueError>(tape, [&] { (void)max(x, 2); }, "max",
                                       {"axis 2 is out of range for shape (2, 3)"});
  testing::expect_op_error<ValueError>(tape, [&] { (void)min(x, -3, true); }, "min",
                                       {"axis -3", "(2, 3)"});
}

}  // namespace
}  // namespace tapegrad
