// The negative log-likelihood of integer labels under log-probabilities
// (log_softmax's output), as PyTorch's NLLLoss: −Σ logp[row, label] over
// the rows whose label is not ignore_index, divided by the number of those
// rows when mean = 1 (the default). Backprop: ∂logp[row, label] = −g · scale,
// zero elsewhere; the labels get no gradient.
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "ops/class_labels.hpp"
#include "ops/cost.hpp"
#include "ops/loss_reduction.hpp"
#include "ops/rows.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/losses.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class NllLossOp final : public OpBase<NllLossOp<T>, T> {
 public:
  static constexpr std::string_view kName = "nll_loss";
  static constexpr int kArity = 2;
  static constexpr std::string_view kFormula =
      "L = −Σ_rows logp[label] over labels ≠ ignore_index (÷ their count when mean)";
  static constexpr std::array<std::string_view, 2> kAttributes{"mean", "ignore_index"};

  NllLossOp(Reduction reduction, std::optional<double> ignore_index)
      : reduction_(reduction), ignore_index_(ignore_index) {}
  explicit NllLossOp(const Attributes& a) : reduction_(reduction_from(a, Reduction::mean)) {
    if (const double* ignore = a.find("ignore_index"))
      ignore_index_ = *ignore;
  }

  Attributes attributes() const override {
    Attributes a = reduction_attributes(reduction_);
    if (ignore_index_)
      a.set("ignore_index", *ignore_index_);
    return a;
  }

  void forward(ForwardContext<T>& ctx) const override {
    const Rows r = rows_of(ctx, 0);
    const std::optional<T> ignore = ignore_label(ctx);
    check_class_labels(ctx, r, "log-probabilities", ignore);
    const T scale = factor(ctx, r, ignore);
    const T* logp = ctx.input(0).data();
    const T* labels = ctx.input(1).data();
    T total = 0;
    for (std::size_t row = 0; row < r.count; ++row) {
      if (!ignored(labels[row], ignore))
        total -= logp[row * r.length + static_cast<std::size_t>(labels[row])];
    }
    ctx.output(Shape{})() = scale * total;
  }

  /// Forward reads one element and one label per row (a subtraction each,
  /// one final scaling); backprop clears ∂logp and writes one element per row.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.input_size(0);
    const std::uint64_t rows = query.input_size(1);
    OpCost cost{rows + 1, bytes_of<T>(2 * rows + 1), 0, 0};
    if (query.needs(0)) {
      cost.backprop_flops = rows + 1;
      cost.backprop_bytes = bytes_of<T>(n + rows);
    }
    return cost;
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Rows r = rows_of(ctx, 0);
    const std::optional<T> ignore = ignore_label(ctx);
    const T contribution = -ctx.grad_output()() * factor(ctx, r, ignore);
    const T* labels = ctx.input(1).data();
    GradSlot<T> dx = ctx.gradient(0);
    T* d = dx.tensor.data();
    if (dx.fresh)
      std::fill(d, d + dx.tensor.size(), T(0));
    for (std::size_t row = 0; row < r.count; ++row) {
      if (!ignored(labels[row], ignore))
        d[row * r.length + static_cast<std::size_t>(labels[row])] += contribution;
    }
  }

  /// L̇ = −scale · Σ over the kept rows of ṗ[row, label] (labels have no tangent).
  bool tangent(TangentContext<T>& ctx) const override {
    T total = 0;
    const Rows r = rows_of(ctx, 0);
    const std::optional<T> ignore = ignore_label(ctx);
    if (ctx.has_tangent(0)) {
      const T* dlogp = ctx.tangent(0).data();
      const T* labels = ctx.input(1).data();
      for (std::size_t row = 0; row < r.count; ++row) {
        if (!ignored(labels[row], ignore))
          total -= dlogp[row * r.length + static_cast<std::size_t>(labels[row])];
      }
    }
    ctx.output_tangent()() = factor(ctx, r, ignore) * total;
    return true;
  }

  /// −g · scale at each kept row's label: linear in g, the rest constant.
  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Var<T> logp = ctx.input(0);
    const Tensor<T>& labels = ctx.input(1).value();
    const std::optional<T> ignore = ignore_value();
    const Var<T> target =
        ctx.tape().constant(label_indicator(logp.shape(), labels, T(-1), ignore), "minus onehot");
    // (forward refused a mean over no kept labels)
    const T factor = reduction_ == Reduction::mean
                         ? T(1) / static_cast<T>(kept_labels(labels.data(), labels.size(), ignore))
                         : T(1);
    ctx.accumulate(0, scale(ctx.grad_output() * target, factor));
  }

 private:
  std::optional<T> ignore_value() const {
    return ignore_index_ ? std::optional<T>(static_cast<T>(*ignore_index_)) : std::nullopt;
  }

  /// ignore_index as a label value, checked: it must be a whole number.
  std::optional<T> ignore_label(const detail::NodeView<T>& ctx) const {
    if (ignore_index_ &&
        !(std::isfinite(*ignore_index_) && std::floor(*ignore_index_) == *ignore_index_)) {
      throw ValueError(fmt::format("ignore_index {} is not a whole number (log-probabilities of "
                                   "shape {})",
                                   *ignore_index_, shape_to_string(ctx.input(0).shape())),
                       ctx.site());
    }
    return ignore_value();
  }

  /// How many of the n labels count (are not the ignored one).
  static std::size_t kept_labels(const T* labels, std::size_t n, const std::optional<T>& ignore) {
    return static_cast<std::size_t>(
        std::count_if(labels, labels + n, [&](T label) { return !ignored(label, ignore); }));
  }

  /// 1 for a sum; for a mean, 1 / the number of labels that count (none is
  /// an error: PyTorch's NaN, made loud).
  T factor(const detail::NodeView<T>& ctx, const Rows& r, const std::optional<T>& ignore) const {
    if (reduction_ == Reduction::sum || r.count == 0)
      return reduction_factor<T>(reduction_, r.count, ctx);
    const std::size_t kept = kept_labels(ctx.input(1).data(), r.count, ignore);
    if (kept == 0) {
      throw ValueError(fmt::format("the mean over no labels is undefined: all {} labels of "
                                   "log-probabilities {} equal ignore_index {}",
                                   r.count, shape_to_string(ctx.input(0).shape()), *ignore),
                       ctx.site());
    }
    return T(1) / static_cast<T>(kept);
  }

  Reduction reduction_;
  std::optional<double> ignore_index_;
};

[[maybe_unused]] const bool nll_loss_registered = register_builtin<NllLossOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> nll_loss(Var<T> log_probabilities, Var<T> labels, Reduction reduction,
                std::optional<int> ignore_index) {
  const std::optional<double> ignore =
      ignore_index ? std::optional<double>(*ignore_index) : std::nullopt;
  return ops::record_with<ops::NllLossOp<T>>({log_probabilities, labels}, reduction, ignore);
}

template Var<float> nll_loss(Var<float>, Var<float>, Reduction, std::optional<int>);
template Var<double> nll_loss(Var<double>, Var<double>, Reduction, std::optional<int>);

}  // namespace tapegrad
