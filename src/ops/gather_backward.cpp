// The adjoint of gather (Note [Adjoint ops] in axis_runs.hpp): g added into
// zeros, whose extent along the axis is `length`, at the positions the index
// names. Its own adjoint is gather.
#include <array>

#include "ops/gather_along.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct ScatterSpec {
  std::int64_t axis = 0;
  std::int64_t length = 0;
};

template <class T>
class GatherBackwardOp final : public OpBase<GatherBackwardOp<T>, T> {
 public:
  static constexpr std::string_view kName = "gather_backward";
  static constexpr int kArity = 2;  // g, index
  static constexpr std::string_view kFormula =
      "y = zeros with length along axis; y[…, index[…, j, …], …] += g[…, j, …] (the adjoint of "
      "gather)";
  static constexpr std::array<std::string_view, 2> kAttributes{"axis", "length"};

  explicit GatherBackwardOp(ScatterSpec spec) : spec_(spec) {}
  explicit GatherBackwardOp(const Attributes& a)
      : spec_{whole_attribute(a, kName, "axis"), whole_attribute(a, kName, "length")} {}

  Attributes attributes() const override {
    return {{"axis", static_cast<double>(spec_.axis)},
            {"length", static_cast<double>(spec_.length)}};
  }

  void forward(ForwardContext<T>& ctx) const override {
    const Shape shape = output_shape(ctx);
    const Tensor<T>& index = ctx.input(1);
    const AlongAxis a = along_axis(ctx, spec_.axis, shape, index, "output");
    Tensor<T>& y = ctx.output(shape);
    y.fill(T(0));
    scatter_add_along(a, ctx.input(0).data(), index.data(), y.data());
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& index = ctx.input(1);
    const AlongAxis a = along_axis(ctx, spec_.axis, output_shape(ctx), index, "output", false);
    const GradSlot<T> dg = ctx.gradient(0);
    gather_along(a, ctx.grad_output().data(), index.data(), dg.tensor.data(), !dg.fresh);
  }

  /// Linear in g: ẏ scatters ġ the same way.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0)) {
      const Tensor<T>& index = ctx.input(1);
      const AlongAxis a = along_axis(ctx, spec_.axis, output_shape(ctx), index, "output", false);
      Tensor<T>& dy = ctx.output_tangent();
      dy.fill(T(0));
      scatter_add_along(a, ctx.tangent(0).data(), index.data(), dy.data());
    }
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, gather(ctx.grad_output(), static_cast<int>(spec_.axis), ctx.input(1)));
  }

  /// Forward clears y and adds every element of g into it; backprop reads
  /// the index and the picked elements of y's gradient and writes ∂g.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t m = query.input_size(0);
    return OpCost{m, bytes_of<T>(2 * m + query.output_size()), 0,
                  query.needs(0) ? bytes_of<T>(3 * m) : 0};
  }

 private:
  /// g's shape with `length` along the axis, once g and the index agree.
  template <class Ctx>
  Shape output_shape(const Ctx& ctx) const {
    const Shape& g = ctx.input(0).shape();
    const std::size_t axis = resolve_axis(ctx, spec_.axis, g);
    if (ctx.input(1).shape() != g) {
      throw ShapeError(fmt::format("g of shape {} and index of shape {} must have one shape",
                                   shape_to_string(g), shape_to_string(ctx.input(1).shape())),
                       ctx.site());
    }
    if (spec_.length < 0) {
      throw ValueError(
          fmt::format("length {} must be ≥ 0 (g of shape {})", spec_.length, shape_to_string(g)),
          ctx.site());
    }
    Shape shape = g;
    shape[axis] = static_cast<std::size_t>(spec_.length);
    return shape;
  }

  ScatterSpec spec_;
};

[[maybe_unused]] const bool gather_backward_registered = register_builtin<GatherBackwardOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> gather_backward(Var<T> g, int axis, Var<T> index, std::size_t length) {
  return ops::record_with<ops::GatherBackwardOp<T>>(
      {g, index}, ops::ScatterSpec{axis, static_cast<std::int64_t>(length)});
}

template Var<float> gather_backward(Var<float>, int, Var<float>, std::size_t);
template Var<double> gather_backward(Var<double>, int, Var<double>, std::size_t);

}  // namespace tapegrad
