// ½ Σ (y − t)² as in the lecture, or that divided by the number of samples
// (rows; a vector is one sample) with attribute mean = 1. Backprop:
// ∂y = g · scale · (y − t), ∂t = −∂y.
#include "ops/cost.hpp"
#include "ops/loss_reduction.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/losses.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class MseOp final : public OpBase<MseOp<T>, T> {
 public:
  static constexpr std::string_view kName = "mse";
  static constexpr int kArity = 2;
  static constexpr std::string_view kFormula = "L = ½ Σ (y − t)² (÷ rows when mean)";
  static constexpr auto kAttributes = kReductionAttributes;

  explicit MseOp(Reduction reduction = Reduction::sum) : reduction_(reduction) {}
  explicit MseOp(const Attributes& a) : reduction_(reduction_from(a, Reduction::sum)) {}

  Attributes attributes() const override { return reduction_attributes(reduction_); }

  void forward(ForwardContext<T>& ctx) const override {
    const T scale = factor(ctx);
    const Tensor<T>& y = ctx.input(0);
    const Tensor<T>& t = ctx.input(1);
    T total = 0;
    for (std::size_t i = 0, n = y.size(); i < n; ++i) {
      const T diff = y.data()[i] - t.data()[i];
      total += diff * diff;
    }
    ctx.output(Shape{})() = T(0.5) * scale * total;
  }

  /// Forward: subtract, square, add per element, then one scaling; backprop:
  /// g times the scale once, then subtract and multiply per element and input.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.input_size(0);
    OpCost cost{3 * n + 2, bytes_of<T>(2 * n + 1), 0, 0};
    for (std::size_t i = 0; i < 2; ++i) {
      if (query.needs(i)) {
        cost.backprop_flops += 2 * n;
        cost.backprop_bytes += bytes_of<T>(3 * n);
      }
    }
    if (cost.backprop_flops > 0)
      ++cost.backprop_flops;
    return cost;
  }

  void backprop(BackpropContext<T>& ctx) const override {
    const T g = ctx.grad_output()() * factor(ctx);
    const Tensor<T>& y = ctx.input(0);
    const Tensor<T>& t = ctx.input(1);
    if (ctx.needs_grad(0))
      ctx.accumulate(0, g * (y - t));
    if (ctx.needs_grad(1))
      ctx.accumulate(1, g * (t - y));
  }

  /// L̇ = scale · Σ (y − t)(ẏ − ṫ).
  bool tangent(TangentContext<T>& ctx) const override {
    const T* y = ctx.input(0).data();
    const T* t = ctx.input(1).data();
    const T* dy = ctx.tangent_or_null(0);
    const T* dt = ctx.tangent_or_null(1);
    T total = 0;
    for (std::size_t i = 0, n = ctx.input(0).size(); i < n; ++i)
      total += (y[i] - t[i]) * ((dy ? dy[i] : T(0)) - (dt ? dt[i] : T(0)));
    ctx.output_tangent()() = factor(ctx) * total;
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    const Var<T> y = ctx.input(0);
    const Var<T> t = ctx.input(1);
    const Var<T> g = ctx.grad_output();
    const T f = factor(y.shape());
    if (ctx.needs_grad(0))
      ctx.accumulate(0, scale(g * (y - t), f));
    if (ctx.needs_grad(1))
      ctx.accumulate(1, scale(g * (t - y), f));
  }

 private:
  T factor(const Shape& y) const {
    return reduction_ == Reduction::mean && y.size() == 2 && y[0] > 0 ? T(1) / static_cast<T>(y[0])
                                                                      : T(1);
  }

  T factor(const detail::NodeView<T>& ctx) const {
    require_same_shapes(ctx, "prediction", "target");
    const Shape& y = ctx.input(0).shape();
    return reduction_factor<T>(reduction_, y.size() == 2 ? y[0] : 1, ctx);
  }

  Reduction reduction_;
};

[[maybe_unused]] const bool mse_registered = register_builtin<MseOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> mse(Var<T> y, Var<T> t, Reduction reduction) {
  // One shared instance per reduction: recording allocates nothing.
  static const ops::MseOp<T> summed(Reduction::sum);
  static const ops::MseOp<T> averaged(Reduction::mean);
  const ops::MseOp<T>& op = reduction == Reduction::sum ? summed : averaged;
  return ops::tape_of(y, op.name()).record(op, {y, t});
}

template Var<float> mse(Var<float>, Var<float>, Reduction);
template Var<double> mse(Var<double>, Var<double>, Reduction);

}  // namespace tapegrad
