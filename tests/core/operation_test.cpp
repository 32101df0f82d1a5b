// The optional parts of the Operation contract that inspection reads.
#include <gtest/gtest.h>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// y = a·x + b elementwise, with a cost model and a formula.
class AffineOp final : public Operation<double> {
 public:
  AffineOp(double a, double b) : a_(a), b_(b) {}
  std::string_view name() const override { return "test_affine"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    const Tensor<double>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = a_ * x + b_;
  }
  void backprop(BackpropContext<double>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, a_ * ctx.grad_output());
  }
  Attributes attributes() const override { return {{"a", a_}, {"b", b_}}; }
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.output_size();
    return OpCost{2 * n, 16 * n, query.needs(0) ? n : 0, query.needs(0) ? 16 * n : 0};
  }
  std::string formula() const override { return "y = a·x + b"; }

 private:
  double a_, b_;
};

TEST(Operation, CostAttributesAndFormulaAreReadableFromTheRecordedNode) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  Var<double> y = tape.apply<AffineOp>({x}, 3.0, -1.0);
  const Operation<double>& op = *tape.node(y.id()).op;
  EXPECT_EQ(op.formula(), "y = a·x + b");
  EXPECT_EQ(op.attributes(), (Attributes{{"a", 3.0}, {"b", -1.0}}));
  const std::optional<OpCost> cost = op.cost({{x.shape()}, y.shape(), {true}});
  ASSERT_TRUE(cost.has_value());
  EXPECT_EQ(cost->forward_flops, 12u);
  EXPECT_EQ(cost->forward_bytes, 96u);
  EXPECT_EQ(cost->backprop_flops, 6u);
  EXPECT_EQ(cost->backprop_bytes, 96u);
  tape.backward(sum(y));
  EXPECT_DOUBLE_EQ(x.grad()(1, 2), 3.0);
}

/// y = x, with neither cost() nor formula().
class IdentityWithoutExtras final : public Operation<double> {
 public:
  std::string_view name() const override { return "identity_without_extras"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    xt::noalias(ctx.output(ctx.input(0).shape())) = ctx.input(0);
  }
  void backprop(BackpropContext<double>& ctx) const override {
    ctx.accumulate(0, ctx.grad_output());
  }
};

TEST(Operation, CostAndFormulaAreOptional) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0});
  Var<double> y = tape.apply<AffineOp>({x}, 1.0, 0.0);
  Var<double> z = tape.apply<IdentityWithoutExtras>({y});
  const Operation<double>& op = *tape.node(z.id()).op;
  EXPECT_FALSE(op.cost({{y.shape()}, z.shape(), {true}}).has_value());
  EXPECT_EQ(op.formula(), "");
  const TapeStats stats = tape.stats();
  EXPECT_EQ(stats.nodes_without_cost, 1u);
  EXPECT_EQ(stats.total.forward_flops, 2u);  // AffineOp's, on one element
}

}  // namespace
}  // namespace tapegrad
