// argmax and argmin: whole-number positions, recorded as constants.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ops/op_test_support.hpp"
#include "ops/reduction_reference.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(ArgmaxOp, ValuesOverEveryAxis) {
  testing::check_reduction_op(
      "argmax",
      [](const std::vector<double>& v) {
        return static_cast<double>(std::max_element(v.begin(), v.end()) - v.begin());
      },
      {}, -1, 1, {}, 1, 0);
  testing::check_reduction_op(
      "argmin",
      [](const std::vector<double>& v) {
        return static_cast<double>(std::min_element(v.begin(), v.end()) - v.begin());
      },
      {}, -1, 1, {}, 1, 0);
}

TEST(ArgmaxOp, FlatIndexTiesAndNanAsInNumpy) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Tape<double> tape;
  const Var<double> x = tape.constant(Tensor<double>{{1.0, 7.0, 7.0}, {7.0, -3.0, -3.0}});
  EXPECT_EQ(argmax(x).item(), 1.0);  // flat, row-major; the first of the ties
  EXPECT_EQ(argmin(x).item(), 4.0);
  EXPECT_EQ(argmax(x, 0).value(), (Tensor<double>{1.0, 0.0, 0.0}));
  EXPECT_EQ(argmin(x, 1, true).value(), testing::column({0.0, 1.0}));
  const Var<double> with_nan = tape.constant(Tensor<double>{2.0, nan, 5.0, nan});
  EXPECT_EQ(argmax(with_nan).item(), 1.0);  // the first NaN
  EXPECT_EQ(argmin(with_nan).item(), 1.0);
  Tape<float> single;
  const Var<float> f = single.constant(Tensor<float>{0.5f, -1.0f, 2.5f});
  EXPECT_EQ(argmax(f).item(), 2.0f);
}

TEST(ArgmaxOp, OutputIsAConstant) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({3, 4}, 1));
  const Var<double> i = argmax(x, 1);
  EXPECT_FALSE(tape.node(i.id()).requires_grad);
  const Var<double> total = sum(i);
  testing::expect_op_error<GradientError>(
      tape, [&] { tape.backward(total); }, "backward", {"does not depend on any variable"}, false);
  const Var<double> weighted = sum(x * argmin(x, 1, true));
  tape.backward(weighted);
  const Tensor<double> expected = xt::broadcast(argmin(x, 1, true).value(), {3, 4});
  EXPECT_EQ(x.grad(), expected);
  const std::optional<OpCost> cost = tape.cost(i.id());
  ASSERT_TRUE(cost.has_value());
  EXPECT_EQ(cost->backprop_bytes, 0u);
}

TEST(ArgmaxOp, NoElementsBadAxesAndInexactPositions) {
  Tape<double> tape;
  const Var<double> empty = tape.variable(Tensor<double>::from_shape({3, 0}));
  testing::expect_op_error<ValueError>(tape, [&] { (void)argmax(empty); }, "argmax",
                                       {"the argmax of no elements is undefined (shape (3, 0))"});
  testing::expect_op_error<ValueError>(tape, [&] { (void)argmin(empty, 1); }, "argmin", {"(3, 0)"});
  const Var<double> x = tape.variable(random_tensor({2, 3}, 2));
  testing::expect_op_error<ValueError>(tape, [&] { (void)argmax(x, 3); }, "argmax",
                                       {"axis 3 is out of range for shape (2, 3)"});
  // float holds every whole number up to 2^24 exactly, not beyond.
  Tape<float> single;
  const Var<float> long_row = single.constant(Tensor<float>::from_shape({(1u << 24) + 2}));
  const std::size_t before = single.size();
  try {
    (void)argmax(long_row);
    ADD_FAILURE() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.op(), "argmax");
    EXPECT_EQ(e.node(), static_cast<NodeId>(before));
    EXPECT_NE(std::string(e.what()).find("positions up to 16777217 are not all exact"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("(16777218,)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(single.size(), before);
}

}  // namespace
}  // namespace tapegrad
