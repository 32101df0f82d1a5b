// Sums x down to a shape that broadcasts to x's: the adjoint of
// broadcast_to, and how a broadcast input's gradient is formed.
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
class SumToOp final : public OpBase<SumToOp<T>, T> {
 public:
  static constexpr std::string_view kName = "sum_to";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x summed down to shape (d0, d1, …)";
  static constexpr auto kAttributes = kShapeAttributes;
  explicit SumToOp(Shape shape) : shape_(std::move(shape)) {}
  explicit SumToOp(const Attributes& a) : shape_(shape_from_attributes(a, kName)) {}

  Attributes attributes() const override { return shape_attributes(shape_); }

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    const std::optional<Shape> joint = broadcast_shapes(shape_, x.shape());
    if (!joint || *joint != x.shape()) {
      throw ShapeError("cannot sum " + shape_to_string(x.shape()) + " down to " +
                           shape_to_string(shape_) + ", which does not broadcast to it",
                       ctx.site());
    }
    reduce_to_shape(x, ctx.output(shape_), false);
  }

  /// Linear: ẏ is ẋ summed down.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0))
      reduce_to_shape(ctx.tangent(0), ctx.output_tangent(), false);
    return true;
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, xt::broadcast(ctx.grad_output(), ctx.input(0).shape()));
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, broadcast_to(ctx.grad_output(), ctx.input(0).shape()));
  }

  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.input_size(0);
    const std::uint64_t m = query.output_size();
    return OpCost{n - m, bytes_of<T>(n + m), 0, query.needs(0) ? bytes_of<T>(n + m) : 0};
  }

 private:
  Shape shape_;
};

[[maybe_unused]] const bool sum_to_registered = register_builtin<SumToOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> sum_to(Var<T> x, const Shape& shape) {
  return ops::record_with<ops::SumToOp<T>>({x}, shape);
}

template Var<float> sum_to(Var<float>, const Shape&);
template Var<double> sum_to(Var<double>, const Shape&);

}  // namespace tapegrad
