// greater, greater_equal, less, less_equal and equal: 0/1 masks with
// broadcasting, recorded as constants (no gradient, never swept).
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

using Compare = std::function<Var<double>(Var<double>, Var<double>)>;

struct Comparison {
  std::string name;
  Compare op;
  std::function<bool(double, double)> holds;
};

std::vector<Comparison> comparisons() {
  return {
      {"greater", [](Var<double> a, Var<double> b) { return greater(a, b); },
       [](double a, double b) { return a > b; }},
      {"greater_equal", [](Var<double> a, Var<double> b) { return greater_equal(a, b); },
       [](double a, double b) { return a >= b; }},
      {"less", [](Var<double> a, Var<double> b) { return less(a, b); },
       [](double a, double b) { return a < b; }},
      {"less_equal", [](Var<double> a, Var<double> b) { return less_equal(a, b); },
       [](double a, double b) { return a <= b; }},
      {"equal", [](Var<double> a, Var<double> b) { return equal(a, b); },
       [](double a, double b) { return a == b; }},
  };
}

TEST(Comparisons, MasksWithBroadcastingTiesAndNan) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const Comparison& c : comparisons()) {
    for (const auto& [sa, sb] : testing::broadcast_pairs()) {
      // Values from a small set, so that ties are common.
      Tensor<double> av = random_tensor(sa, 1, -2.0, 2.0);
      Tensor<double> bv = random_tensor(sb, 2, -2.0, 2.0);
      for (double& v : av)
        v = std::round(v);
      for (double& v : bv)
        v = std::round(v);
      if (av.size() > 1)
        av.data()[1] = nan;
      Tape<double> tape;
      const Var<double> y = c.op(tape.constant(av), tape.constant(bv));
      EXPECT_EQ(tape.node(y.id()).op->name(), c.name);
      testing::expect_tensor_near(
          y.value(),
          testing::broadcast_reference(av, bv,
                                       [&](double a, double b) { return c.holds(a, b) ? 1 : 0; }),
          0, c.name + " " + testing::str(sa) + " with " + testing::str(sb));
    }
  }
}

TEST(Comparisons, LargeTensorsGiveTheSameMasks) {
  // More than 16 elements: xtensor's vectorised loop instead of one by one.
  const Tensor<double> av = random_tensor({5, 8}, 3);
  Tensor<double> bv = random_tensor({5, 8}, 4);
  bv(2, 3) = av(2, 3);
  for (const Comparison& c : comparisons()) {
    Tape<double> tape;
    const Var<double> y = c.op(tape.constant(av), tape.constant(bv));
    for (std::size_t i = 0; i < av.size(); ++i) {
      EXPECT_EQ(y.value().data()[i], c.holds(av.data()[i], bv.data()[i]) ? 1.0 : 0.0)
          << c.name << " at " << i;
    }
  }
}

TEST(Comparisons, OutputIsAConstant) {
  for (const Comparison& c : comparisons()) {
    SCOPED_TRACE(c.name);
    Tape<double> tape;
    const Var<double> x = tape.variable(Tensor<double>{-1.0, 0.5, 2.0});
    const Var<double> zero = tape.variable(Tensor<double>(0.0));
    const Var<double> mask = c.op(x, zero);
    EXPECT_FALSE(tape.node(mask.id()).requires_grad);
    const Var<double> total = sum(mask);
    testing::expect_op_error<GradientError>(
        tape, [&] { tape.backward(total); }, "backward", {"does not depend on any variable"},
        false);
    // As a weight it sends nothing back through the mask: ∂(x · m)/∂x = m.
    const Var<double> weighted = sum(x * mask);
    tape.backward(weighted);
    EXPECT_EQ(x.grad(), mask.value());
    EXPECT_EQ(zero.grad(), Tensor<double>(0.0));
    // Nor in a recorded gradient.
    const Var<double> g = tape.gradient(weighted, {x}, {.create_graph = true})[0];
    EXPECT_EQ(g.value(), mask.value());
    // And it costs no backprop.
    const std::optional<OpCost> cost = tape.cost(mask.id());
    ASSERT_TRUE(cost.has_value());
    EXPECT_EQ(cost->forward_flops, 3u);
    EXPECT_EQ(cost->backprop_flops, 0u);
    EXPECT_EQ(cost->backprop_bytes, 0u);
  }
}

TEST(Comparisons, MismatchedShapes) {
  for (const Comparison& c : comparisons()) {
    Tape<double> tape;
    const Var<double> a = tape.variable(random_tensor({2, 3}, 1));
    const Var<double> b = tape.variable(random_tensor({4}, 2));
    testing::expect_op_error<ShapeError>(tape, [&] { (void)c.op(a, b); }, c.name,
                                         {"cannot broadcast shapes (2, 3) and (4,)"});
  }
}

}  // namespace
}  // namespace tapegrad
