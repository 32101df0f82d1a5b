// y[…, j, …] = x[…, index[…, j, …], …] along one axis (numpy's
// take_along_axis). Its adjoint is gather_backward (Note [Adjoint ops] in
// axis_runs.hpp); the index, a constant, gets no gradient.
#include <array>

#include "ops/gather_along.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class GatherOp final : public OpBase<GatherOp<T>, T> {
 public:
  static constexpr std::string_view kName = "gather";
  static constexpr int kArity = 2;  // x, index
  static constexpr std::string_view kFormula = "y[…, j, …] = x[…, index[…, j, …], …] along axis";
  static constexpr std::array<std::string_view, 1> kAttributes{"axis"};

  explicit GatherOp(std::int64_t axis) : axis_(axis) {}
  explicit GatherOp(const Attributes& a) : axis_(whole_attribute(a, kName, "axis")) {}

  Attributes attributes() const override { return {{"axis", static_cast<double>(axis_)}}; }

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    const Tensor<T>& index = ctx.input(1);
    const AlongAxis a = along_axis(ctx, axis_, x.shape(), index, "x");
    gather_along(a, x.data(), index.data(), ctx.output(index.shape()).data(), false);
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& index = ctx.input(1);
    const AlongAxis a = along_axis(ctx, axis_, ctx.input(0).shape(), index, "x", false);
    const GradSlot<T> dx = ctx.gradient(0);
    if (dx.fresh)
      dx.tensor.fill(T(0));
    scatter_add_along(a, ctx.grad_output().data(), index.data(), dx.tensor.data());
  }

  /// Linear in x: ẏ picks the same elements of ẋ.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0)) {
      const Tensor<T>& index = ctx.input(1);
      const AlongAxis a = along_axis(ctx, axis_, ctx.input(0).shape(), index, "x", false);
      gather_along(a, ctx.tangent(0).data(), index.data(), ctx.output_tangent().data(), false);
    }
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Shape& shape = ctx.input(0).shape();
    const std::size_t axis = resolve_axis(ctx, axis_, shape);
    ctx.accumulate(
        0, gather_backward(ctx.grad_output(), static_cast<int>(axis), ctx.input(1), shape[axis]));
  }

  /// Forward reads the index and the picked elements and writes y; backprop
  /// adds every element of g into ∂x (read and written), which it clears
  /// first when fresh.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t m = query.output_size();
    OpCost cost{0, bytes_of<T>(3 * m), 0, 0};
    if (query.needs(0)) {
      cost.backprop_flops = m;
      cost.backprop_bytes = bytes_of<T>(2 * m + query.input_size(0));
    }
    return cost;
  }

 private:
  std::int64_t axis_;
};

[[maybe_unused]] const bool gather_registered = register_builtin<GatherOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> gather(Var<T> x, int axis, Var<T> index) {
  return ops::record_with<ops::GatherOp<T>>({x, index}, std::int64_t{axis});
}

template Var<float> gather(Var<float>, int, Var<float>);
template Var<double> gather(Var<double>, int, Var<double>);

}  // namespace tapegrad
