// PyTorch's HuberLoss: with d = y − t elementwise, ½ d² where |d| < δ and
// δ (|d| − ½ δ) elsewhere (the two agree at |d| = δ), summed, or divided by
// the number of elements when mean = 1 (the default). Backprop:
// ∂y = g · scale · clamp(d, −δ, δ) and ∂t = −∂y. The second derivative is 1
// where |d| < δ and 0 elsewhere, at |d| = δ included.
#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

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
class HuberOp final : public OpBase<HuberOp<T>, T> {
 public:
  static constexpr std::string_view kName = "huber";
  static constexpr int kArity = 2;
  static constexpr std::string_view kFormula =
      "L = Σ (½ d² if |d| < δ else δ (|d| − ½ δ)), d = y − t (÷ count when mean)";
  static constexpr std::array<std::string_view, 2> kAttributes{"delta", "mean"};

  HuberOp(Reduction reduction, double delta) : reduction_(reduction), delta_(delta) {}
  explicit HuberOp(const Attributes& a)
      : reduction_(reduction_from(a, Reduction::mean)), delta_(a.get_or("delta", 1.0)) {}

  Attributes attributes() const override {
    Attributes a = reduction_attributes(reduction_);
    a.set("delta", delta_);
    return a;
  }

  void forward(ForwardContext<T>& ctx) const override {
    const T scale = factor(ctx);
    const T delta = static_cast<T>(delta_);
    const T* y = ctx.input(0).data();
    const T* t = ctx.input(1).data();
    T total = 0;
    for (std::size_t i = 0, n = ctx.input(0).size(); i < n; ++i) {
      const T d = std::abs(y[i] - t[i]);
      total += d < delta ? T(0.5) * d * d : delta * (d - T(0.5) * delta);
    }
    ctx.output(Shape{})() = scale * total;
  }

  /// Per element: forward subtract, abs, compare, two multiplies and an add
  /// (one final scaling); backprop per input: subtract, clamp, multiply.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.input_size(0);
    OpCost cost{6 * n + 1, bytes_of<T>(2 * n + 1), 0, 0};
    for (std::size_t i = 0; i < 2; ++i) {
      if (query.needs(i)) {
        cost.backprop_flops += 3 * n;
        cost.backprop_bytes += bytes_of<T>(3 * n);
      }
    }
    return cost;
  }

  void backprop(BackpropContext<T>& ctx) const override {
    const T g = ctx.grad_output()() * factor(ctx);
    const T delta = static_cast<T>(delta_);
    const T* y = ctx.input(0).data();
    const T* t = ctx.input(1).data();
    const std::size_t n = ctx.input(0).size();
    for (std::size_t k = 0; k < 2; ++k) {
      if (!ctx.needs_grad(k))
        continue;
      const GradSlot<T> slot = ctx.gradient(k);
      const T sign = k == 0 ? g : -g;
      for (std::size_t i = 0; i < n; ++i)
        slot.add(i, sign * std::clamp(y[i] - t[i], -delta, delta));
    }
  }

  /// L̇ = scale · Σ clamp(y − t, −δ, δ)·(ẏ − ṫ).
  bool tangent(TangentContext<T>& ctx) const override {
    const T delta = static_cast<T>(delta_);
    const T* y = ctx.input(0).data();
    const T* t = ctx.input(1).data();
    const T* dy = ctx.tangent_or_null(0);
    const T* dt = ctx.tangent_or_null(1);
    T total = 0;
    for (std::size_t i = 0, n = ctx.input(0).size(); i < n; ++i)
      total += std::clamp(y[i] - t[i], -delta, delta) * ((dy ? dy[i] : T(0)) - (dt ? dt[i] : T(0)));
    ctx.output_tangent()() = factor(ctx) * total;
    return true;
  }

  /// g · scale · (inside ⊙ (y − t) + δ · outside), with the constants
  /// inside = [|d| < δ] and outside = sign(d) · [|d| ≥ δ] taken from the
  /// recorded values, so the result is differentiable again.
  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    const Var<T> y = ctx.input(0);
    const Var<T> t = ctx.input(1);
    const T delta = static_cast<T>(delta_);
    Tensor<T> inside(y.shape(), T(0));
    Tensor<T> outside(y.shape(), T(0));
    for (std::size_t i = 0; i < y.size(); ++i) {
      const T d = y.value().data()[i] - t.value().data()[i];
      if (std::abs(d) < delta)
        inside.data()[i] = T(1);
      else
        outside.data()[i] = d > 0 ? delta : -delta;
    }
    const T f =
        reduction_ == Reduction::mean && y.size() > 0 ? T(1) / static_cast<T>(y.size()) : T(1);
    Tape<T>& tape = ctx.tape();
    const Var<T> clamped = (y - t) * tape.constant(std::move(inside), "inside δ") +
                           tape.constant(std::move(outside), "δ sign outside δ");
    const Var<T> dy = scale(ctx.grad_output() * clamped, f);
    if (ctx.needs_grad(0))
      ctx.accumulate(0, dy);
    if (ctx.needs_grad(1))
      ctx.accumulate(1, -dy);
  }

 private:
  T factor(const detail::NodeView<T>& ctx) const {
    require_same_shapes(ctx, "prediction", "target");
    if (!(delta_ > 0)) {
      throw ValueError(fmt::format("delta must be > 0, got {} (inputs of shape {})", delta_,
                                   shape_to_string(ctx.input(0).shape())),
                       ctx.site());
    }
    return reduction_factor<T>(reduction_, ctx.input(0).size(), ctx);
  }

  Reduction reduction_;
  double delta_;
};

[[maybe_unused]] const bool huber_registered = register_builtin<HuberOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> huber(Var<T> y, Var<T> t, Reduction reduction, double delta) {
  return ops::record_with<ops::HuberOp<T>>({y, t}, reduction, delta);
}

template Var<float> huber(Var<float>, Var<float>, Reduction, double);
template Var<double> huber(Var<double>, Var<double>, Reduction, double);

}  // namespace tapegrad
