#include <algorithm>

#include "ops/cost.hpp"
#include "ops/shape_attribute.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/gradient_graph.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/shape.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class ReshapeOp final : public OpBase<ReshapeOp<T>, T> {
 public:
  static constexpr std::string_view kName = "reshape";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x with shape (d0, d1, …)";
  static constexpr auto kAttributes = kShapeAttributes;
  explicit ReshapeOp(Shape shape) : shape_(std::move(shape)) {}
  explicit ReshapeOp(const Attributes& a) : shape_(shape_from_attributes(a, kName)) {}

  Attributes attributes() const override { return shape_attributes(shape_); }

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    if (shape_size(shape_) != x.size()) {
      throw ShapeError("cannot reshape " + shape_to_string(x.shape()) + " (" +
                           std::to_string(x.size()) + " elements) to " + shape_to_string(shape_),
                       ctx.site());
    }
    Tensor<T>& y = ctx.output(shape_);
    std::copy(x.data(), x.data() + x.size(), y.data());
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& g = ctx.grad_output();
    const GradSlot<T> dx = ctx.gradient(0);
    for (std::size_t i = 0; i < g.size(); ++i)
      dx.add(i, g.data()[i]);
  }

  /// Linear: ẏ is ẋ reshaped.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0)) {
      const Tensor<T>& dx = ctx.tangent(0);
      std::copy(dx.data(), dx.data() + dx.size(), ctx.output_tangent().data());
    }
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, reshape(ctx.grad_output(), ctx.input(0).shape()));
  }

  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.output_size();
    return OpCost{0, bytes_of<T>(2 * n), 0, query.needs(0) ? bytes_of<T>(2 * n) : 0};
  }

 private:
  Shape shape_;
};

[[maybe_unused]] const bool reshape_registered = register_builtin<ReshapeOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> reshape(Var<T> x, const Shape& shape) {
  return ops::record_with<ops::ReshapeOp<T>>({x}, shape);
}

template Var<float> reshape(Var<float>, const Shape&);
template Var<double> reshape(Var<double>, const Shape&);

}  // namespace tapegrad
