// Inputs joined along an existing axis: each input is a block of consecutive
// positions of the output, copied run by run (axis_runs.hpp); its gradient
// is that block of g (a slice when recorded).
#include <array>

#include "ops/axis_runs.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class ConcatOp final : public OpBase<ConcatOp<T>, T> {
 public:
  static constexpr std::string_view kName = "concat";
  static constexpr int kArity = Operation<T>::kVariadic;  // one or more
  static constexpr std::string_view kFormula = "y = [x₀, x₁, …] joined along axis";
  static constexpr std::array<std::string_view, 1> kAttributes{"axis"};

  explicit ConcatOp(std::int64_t axis) : axis_(axis) {}
  explicit ConcatOp(const Attributes& a)
      : axis_(optional_whole_attribute(a, kName, "axis").value_or(0)) {}

  Attributes attributes() const override { return {{"axis", static_cast<double>(axis_)}}; }

  void forward(ForwardContext<T>& ctx) const override {
    const auto [shape, axis] = output_shape(ctx);
    T* y = ctx.output(shape).data();
    for_each_block(ctx, shape, axis, [&](std::size_t i, const AxisRuns& runs) {
      put_runs(runs, ctx.input(i).data(), y, false);
    });
  }

  void backprop(BackpropContext<T>& ctx) const override {
    const Tensor<T>& g = ctx.grad_output();
    const std::size_t axis = resolve_axis(ctx, axis_, g.shape());
    for_each_block(ctx, g.shape(), axis, [&](std::size_t i, const AxisRuns& runs) {
      if (!ctx.needs_grad(i))
        return;
      const GradSlot<T> dx = ctx.gradient(i);
      take_runs(runs, g.data(), dx.tensor.data(), !dx.fresh);
    });
  }

  /// Linear: ẏ joins the inputs' tangents (zeros for an input without one).
  bool tangent(TangentContext<T>& ctx) const override {
    const Shape& shape = ctx.output().shape();
    const std::size_t axis = resolve_axis(ctx, axis_, shape);
    T* y = zeroed_unless_every_tangent(ctx).data();
    for_each_block(ctx, shape, axis, [&](std::size_t i, const AxisRuns& runs) {
      if (ctx.has_tangent(i))
        put_runs(runs, ctx.tangent(i).data(), y, false);
    });
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    const Var<T> g = ctx.grad_output();
    const std::size_t axis = resolve_axis(ctx, axis_, g.shape());
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < ctx.input_count(); ++i) {
      const auto length = static_cast<std::int64_t>(ctx.input(i).shape()[axis]);
      if (ctx.needs_grad(i))
        ctx.accumulate(i, slice(g, static_cast<int>(axis), offset, offset + length));
      offset += length;
    }
  }

  std::optional<OpCost> cost(const CostQuery& query) const override { return join_cost<T>(query); }

 private:
  struct Resolved {
    Shape shape;
    std::size_t axis;
  };

  Resolved output_shape(const ForwardContext<T>& ctx) const {
    if (ctx.input_count() == 0)
      throw ValueError("needs at least one input", ctx.site());
    Shape shape = ctx.input(0).shape();
    const std::size_t axis = resolve_axis(ctx, axis_, shape);
    for (std::size_t i = 1; i < ctx.input_count(); ++i) {
      const Shape& other = ctx.input(i).shape();
      bool fits = other.size() == shape.size();
      for (std::size_t k = 0; fits && k < shape.size(); ++k)
        fits = k == axis || other[k] == shape[k];
      if (!fits) {
        throw ShapeError(fmt::format("cannot join shapes {} along axis {}: they must have one rank "
                                     "and equal extents on every other axis",
                                     input_shapes(ctx), axis_),
                         ctx.site());
      }
      shape[axis] += other[axis];
    }
    return {shape, axis};
  }

  /// f(i, runs): input i's block of positions in the output (of `shape`).
  template <class F>
  static void for_each_block(const detail::NodeView<T>& ctx, const Shape& shape, std::size_t axis,
                             const F& f) {
    const AxisRuns all = AxisRuns::around(shape, axis);
    std::size_t offset = 0;
    for (std::size_t i = 0; i < ctx.input_count(); ++i) {
      const std::size_t length = ctx.input(i).shape()[axis];
      f(i, all.positions(offset, 1, length));
      offset += length;
    }
  }

  std::int64_t axis_;
};

[[maybe_unused]] const bool concat_registered = register_builtin<ConcatOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> concat(Span<Var<T>> xs, int axis) {
  return ops::record_join<ops::ConcatOp<T>>(xs, axis);
}

template Var<float> concat(Span<Var<float>>, int);
template Var<double> concat(Span<Var<double>>, int);

}  // namespace tapegrad
