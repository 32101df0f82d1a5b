// x stretched to a shape by numpy's rules; its gradient sums back over the
// stretched axes.
#include <xtensor/xbroadcast.hpp>

#include "ops/cost.hpp"
#include "ops/shape_attribute.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/gradient_graph.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/shape.hpp"
#include "tapegrad/tensor/broadcast.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class BroadcastToOp final : public OpBase<BroadcastToOp<T>, T> {
 public:
  static constexpr std::string_view kName = "broadcast_to";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x broadcast to shape (d0, d1, …)";
  static constexpr auto kAttributes = kShapeAttributes;
  explicit BroadcastToOp(Shape shape) : shape_(std::move(shape)) {}
  explicit BroadcastToOp(const Attributes& a) : shape_(shape_from_attributes(a, kName)) {}

  Attributes attributes() const override { return shape_attributes(shape_); }

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    const std::optional<Shape> joint = broadcast_shapes(x.shape(), shape_);
    if (!joint || *joint != shape_) {
      throw ShapeError(
          "cannot broadcast " + shape_to_string(x.shape()) + " to " + shape_to_string(shape_),
          ctx.site());
    }
    xt::noalias(ctx.output(shape_)) = xt::broadcast(x, shape_);
  }

  /// Linear: ẏ is ẋ broadcast.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0))
      ctx.accumulate(xt::broadcast(ctx.tangent(0), shape_));
    return true;
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate_reduced(0, ctx.grad_output());
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, sum_to(ctx.grad_output(), ctx.input(0).shape()));
  }

  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.input_size(0);
    const std::uint64_t m = query.output_size();
    return OpCost{0, bytes_of<T>(n + m), query.needs(0) ? m - n : 0,
                  query.needs(0) ? bytes_of<T>(n + m) : 0};
  }

 private:
  Shape shape_;
};

[[maybe_unused]] const bool broadcast_to_registered = register_builtin<BroadcastToOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> broadcast_to(Var<T> x, const Shape& shape) {
  return ops::record_with<ops::BroadcastToOp<T>>({x}, shape);
}

template Var<float> broadcast_to(Var<float>, const Shape&);
template Var<double> broadcast_to(Var<double>, const Shape&);

}  // namespace tapegrad
