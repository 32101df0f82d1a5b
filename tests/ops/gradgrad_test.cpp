// Second derivatives of every built-in op: gradgradcheck (the recorded
// gradient against finite differences of it) of every case of the op table
// (op_cases.hpp), which must cover every op the registry lists as a
// built-in; third derivatives of the smooth ones.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "ops/op_cases.hpp"
#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

using V = Var<double>;
using Inputs = std::vector<V>;

TEST(GradGrad, EveryBuiltInOpHasCorrectSecondDerivatives) {
  std::set<std::string> covered;
  std::set<std::string> by_name;
  for (const testing::OpCase<double>& c : testing::op_cases<double>()) {
    covered.insert(c.op);
    const GradcheckResult result = gradgradcheck(testing::gradcheck_function(c), c.inputs);
    EXPECT_TRUE(result.ok) << c.op << " " << c.label << ": " << result.report();
    EXPECT_GT(result.checked, 0u) << c.op << " " << c.label;
    // gradgradcheck by name too, once per op.
    if (c.by_name && c.constants.empty() && by_name.insert(c.op).second) {
      const GradcheckResult named = gradgradcheck(c.op, c.inputs, *c.by_name);
      EXPECT_TRUE(named.ok) << c.op << " " << c.label << " by name: " << named.report();
    }
  }
  testing::expect_covers_builtins(covered, "gradgradcheck");
}

/// f's recorded gradient, projected on fixed directions: gradgradcheck of
/// this checks f's third derivatives.
GradcheckFunction recorded_gradient_of(GradcheckFunction f) {
  return [f](Tape<double>& tape, const Inputs& in) {
    const V y = f(tape, in);
    const V loss = y.size() == 1 ? y : sum(y * tape.constant(random_tensor(y.shape(), 5)));
    const std::vector<V> grads = tape.gradient(loss, in, {.create_graph = true});
    V total;
    for (std::size_t i = 0; i < grads.size(); ++i) {
      const V term = sum(grads[i] * tape.constant(random_tensor(grads[i].shape(), 6 + i)));
      total = total.valid() ? total + term : term;
    }
    return total;
  };
}

TEST(GradGrad, ThirdDerivativesOfSmoothOps) {
  // The recorded backprops are themselves differentiable: a differentiable
  // backprop made of ops with differentiable backprops goes to any order.
  std::size_t checked = 0;
  for (const testing::OpCase<double>& c : testing::op_cases<double>()) {
    if (c.op == "relu" || c.op == "abs")
      continue;  // piecewise linear: third derivative 0 both ways
    const GradcheckResult result =
        gradgradcheck(recorded_gradient_of(testing::gradcheck_function(c)), c.inputs);
    EXPECT_TRUE(result.ok) << c.op << " " << c.label << ": " << result.report();
    ++checked;
  }
  EXPECT_GT(checked, 100u);
}

/// y = x², with a right backprop (2x·g) and a differentiable backprop that
/// is right in value but records 2x as a constant: its second derivative
/// comes out 0 instead of 2.
class SquareWithConstantSlope final : public Operation<double> {
 public:
  std::string_view name() const override { return "test_square_constant_slope"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    const Tensor<double>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = x * x;
  }
  void backprop(BackpropContext<double>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, 2.0 * ctx.input(0) * ctx.grad_output());
  }
  void differentiable_backprop(DifferentiableBackpropContext<double>& ctx) const override {
    const V slope = ctx.tape().constant(2.0 * ctx.input(0).value());
    if (ctx.needs_grad(0))
      ctx.accumulate(0, slope * ctx.grad_output());
  }
};

TEST(GradGrad, DetectsAWrongSecondDerivative) {
  const GradcheckFunction f = [](Tape<double>& tape, const Inputs& in) {
    return tape.apply<SquareWithConstantSlope>({in[0]});
  };
  const std::vector<Tensor<double>> inputs = {random_tensor({2, 3}, 77)};
  const GradcheckResult first = gradcheck(f, inputs);
  EXPECT_TRUE(first.ok) << first.report();
  const GradcheckResult second = gradgradcheck(f, inputs);
  EXPECT_FALSE(second.ok) << second.report();
  EXPECT_GT(second.abs_error, 0.1) << second.report();
}

}  // namespace
}  // namespace tapegrad
