// Inputs of one shape stacked along a new axis: input i is position i of
// the output's new axis, copied run by run (axis_runs.hpp); its gradient is
// that position of g (an index when recorded).
#include <array>

#include "ops/axis_runs.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class StackOp final : public OpBase<StackOp<T>, T> {
 public:
  static constexpr std::string_view kName = "stack";
  static constexpr int kArity = Operation<T>::kVariadic;  // one or more
  static constexpr std::string_view kFormula = "y[…, i, …] = xᵢ along a new axis";
  static constexpr std::array<std::string_view, 1> kAttributes{"axis"};

  explicit StackOp(std::int64_t axis) : axis_(axis) {}
  explicit StackOp(const Attributes& a)
      : axis_(optional_whole_attribute(a, kName, "axis").value_or(0)) {}

  Attributes attributes() const override { return {{"axis", static_cast<double>(axis_)}}; }

  void forward(ForwardContext<T>& ctx) const override {
    if (ctx.input_count() == 0)
      throw ValueError("needs at least one input", ctx.site());
    const Shape& first = ctx.input(0).shape();
    const std::size_t axis = resolve_axis(ctx, axis_, first, 1);
    for (std::size_t i = 1; i < ctx.input_count(); ++i) {
      if (ctx.input(i).shape() != first) {
        throw ShapeError(fmt::format("cannot stack shapes {}: every input must have the same shape",
                                     input_shapes(ctx)),
                         ctx.site());
      }
    }
    Shape shape;
    for (std::size_t k = 0; k <= first.size(); ++k) {
      if (k == axis)
        shape.push_back(ctx.input_count());
      if (k < first.size())
        shape.push_back(first[k]);
    }
    T* y = ctx.output(shape).data();
    const AxisRuns all = AxisRuns::around(shape, axis);
    for (std::size_t i = 0; i < ctx.input_count(); ++i)
      put_runs(all.positions(i, 1, 1), ctx.input(i).data(), y, false);
  }

  void backprop(BackpropContext<T>& ctx) const override {
    const Tensor<T>& g = ctx.grad_output();
    const std::size_t axis = resolve_axis(ctx, axis_, ctx.input(0).shape(), 1);
    const AxisRuns all = AxisRuns::around(g.shape(), axis);
    for (std::size_t i = 0; i < ctx.input_count(); ++i) {
      if (!ctx.needs_grad(i))
        continue;
      const GradSlot<T> dx = ctx.gradient(i);
      take_runs(all.positions(i, 1, 1), g.data(), dx.tensor.data(), !dx.fresh);
    }
  }

  /// Linear: ẏ stacks the inputs' tangents (zeros for an input without one).
  bool tangent(TangentContext<T>& ctx) const override {
    const std::size_t axis = resolve_axis(ctx, axis_, ctx.input(0).shape(), 1);
    const AxisRuns all = AxisRuns::around(ctx.output().shape(), axis);
    T* y = zeroed_unless_every_tangent(ctx).data();
    for (std::size_t i = 0; i < ctx.input_count(); ++i) {
      if (ctx.has_tangent(i))
        put_runs(all.positions(i, 1, 1), ctx.tangent(i).data(), y, false);
    }
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    const std::size_t axis = resolve_axis(ctx, axis_, ctx.input(0).shape(), 1);
    for (std::size_t i = 0; i < ctx.input_count(); ++i) {
      if (ctx.needs_grad(i))
        ctx.accumulate(
            i, index(ctx.grad_output(), static_cast<int>(axis), static_cast<std::int64_t>(i)));
    }
  }

  std::optional<OpCost> cost(const CostQuery& query) const override { return join_cost<T>(query); }

 private:
  std::int64_t axis_;
};

[[maybe_unused]] const bool stack_registered = register_builtin<StackOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> stack(Span<Var<T>> xs, int axis) {
  return ops::record_join<ops::StackOp<T>>(xs, axis);
}

template Var<float> stack(Span<Var<float>>, int);
template Var<double> stack(Span<Var<double>>, int);

}  // namespace tapegrad
