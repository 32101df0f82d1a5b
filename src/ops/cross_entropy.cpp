// From logits, fused with the log-softmax and stable for logits of any
// magnitude; divided by the number of rows when mean = 1 (the default). The
// softmax probabilities are saved, so backprop is
// ∂x = g · scale · (p − onehot). Labels are whole numbers in [0, classes)
// and get no gradient.
#include <algorithm>
#include <cmath>

#include "ops/class_labels.hpp"
#include "ops/cost.hpp"
#include "ops/loss_reduction.hpp"
#include "ops/rows.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/losses.hpp"
#include "tensor/subnormal.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class CrossEntropyOp final : public OpBase<CrossEntropyOp<T>, T> {
 public:
  static constexpr std::string_view kName = "cross_entropy";
  static constexpr int kArity = 2;
  static constexpr std::string_view kFormula =
      "L = Σ_rows (log Σ exp(x) − x[label]) (÷ rows when mean)";
  static constexpr auto kAttributes = kReductionAttributes;

  explicit CrossEntropyOp(Reduction reduction = Reduction::mean) : reduction_(reduction) {}
  explicit CrossEntropyOp(const Attributes& a) : reduction_(reduction_from(a, Reduction::mean)) {}

  Attributes attributes() const override { return reduction_attributes(reduction_); }

  void forward(ForwardContext<T>& ctx) const override {
    const Rows r = rows_of(ctx, 0);
    check_class_labels(ctx, r, "logits");
    const T scale = reduction_factor<T>(reduction_, r.count, ctx);
    const T* logits = ctx.input(0).data();
    const T* labels = ctx.input(1).data();
    T* p = ctx.save(ctx.input(0).shape()).data();
    T total = 0;
    for (std::size_t row = 0; row < r.count; ++row) {
      const T* x = logits + row * r.length;
      T* probabilities = p + row * r.length;
      const T max = *std::max_element(x, x + r.length);
      T sum = 0;
      for (std::size_t c = 0; c < r.length; ++c)
        sum += probabilities[c] = std::exp(x[c] - max);
      // A class ruled out by more than ~87 (float) or ~708 (double) has a
      // subnormal probability: 0 instead (tensor/subnormal.hpp), as its
      // gradient g·p below would be too. The loss does not read p.
      for (std::size_t c = 0; c < r.length; ++c)
        probabilities[c] = flush_subnormal(probabilities[c] / sum);
      const auto label = static_cast<std::size_t>(labels[row]);
      total += (max - x[label]) + std::log(sum);  // max + log Σ would round log Σ away
    }
    ctx.output(Shape{})() = scale * total;
  }

  /// Forward per element: max, subtract, exp, sum, divide (the saved
  /// probabilities); per row: log, add, subtract and the running total; one
  /// final scaling. Backprop: g times the scale, then subtract and multiply
  /// per element.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.input_size(0);
    const std::uint64_t rows = query.input_size(1);
    OpCost cost{5 * n + 4 * rows + 1, bytes_of<T>(2 * n + rows + 1), 0, 0};
    if (query.needs(0)) {
      cost.backprop_flops = 2 * n + 1;
      cost.backprop_bytes = bytes_of<T>(2 * n + rows);  // p, labels and ∂x
    }
    return cost;
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Rows r = rows_of(ctx, 0);
    const T g = ctx.grad_output()() * reduction_factor<T>(reduction_, r.count, ctx);
    const T* p = ctx.saved(0).data();
    const T* labels = ctx.input(1).data();
    const GradSlot<T> dx = ctx.gradient(0);
    for (std::size_t row = 0; row < r.count; ++row) {
      const std::size_t offset = row * r.length;
      const auto label = static_cast<std::size_t>(labels[row]);
      for (std::size_t c = 0; c < r.length; ++c) {
        dx.add(offset + c, flush_subnormal(g * (p[offset + c] - (c == label ? T(1) : T(0)))));
      }
    }
  }

  /// L̇ = scale · Σ_rows ⟨p − onehot, ẋ⟩ (the labels have no tangent).
  bool tangent(TangentContext<T>& ctx) const override {
    T total = 0;
    const Rows r = rows_of(ctx, 0);
    if (ctx.has_tangent(0)) {
      const T* p = ctx.saved(0).data();
      const T* dx = ctx.tangent(0).data();
      const T* labels = ctx.input(1).data();
      for (std::size_t row = 0; row < r.count; ++row) {
        const std::size_t offset = row * r.length;
        const auto label = static_cast<std::size_t>(labels[row]);
        for (std::size_t c = 0; c < r.length; ++c)
          total += (p[offset + c] - (c == label ? T(1) : T(0))) * dx[offset + c];
      }
    }
    ctx.output_tangent()() = reduction_factor<T>(reduction_, r.count, ctx) * total;
    return true;
  }

  /// g · scale · (softmax(x) − onehot(labels)), with softmax recorded so
  /// the result can be differentiated again (the labels carry no gradient).
  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Var<T> logits = ctx.input(0);
    const Rows r = rows_of(logits.shape());
    Tensor<T> onehot = label_indicator(logits.shape(), ctx.input(1).value(), T(1));
    const T factor =
        reduction_ == Reduction::mean && r.count > 0 ? T(1) / static_cast<T>(r.count) : T(1);
    const Var<T> target = ctx.tape().constant(std::move(onehot), "onehot");
    ctx.accumulate(0, scale(ctx.grad_output() * (softmax(logits) - target), factor));
  }

 private:
  Reduction reduction_;
};

[[maybe_unused]] const bool cross_entropy_registered = register_builtin<CrossEntropyOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> cross_entropy(Var<T> logits, Var<T> labels, Reduction reduction) {
  // One shared instance per reduction: recording allocates nothing.
  static const ops::CrossEntropyOp<T> summed(Reduction::sum);
  static const ops::CrossEntropyOp<T> averaged(Reduction::mean);
  const ops::CrossEntropyOp<T>& op = reduction == Reduction::sum ? summed : averaged;
  return ops::tape_of(logits, op.name()).record(op, {logits, labels});
}

template Var<float> cross_entropy(Var<float>, Var<float>, Reduction);
template Var<double> cross_entropy(Var<double>, Var<double>, Reduction);

}  // namespace tapegrad
