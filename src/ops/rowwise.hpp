#pragma once
// The shape shared by softmax and log_softmax: each row (a vector is one
// row; a matrix has one per sample) maps to an output row of the same
// length, and every output of a row depends on every input of that row.
// Kernel::forward_row(x, y, n) computes one row; Kernel::backprop_row(y, g,
// dx, offset, n) adds that row's full-Jacobian VJP through dx.add(). The
// kernel states the op's name and formula (kName, kFormula).

#include <string_view>

#include "ops/cost.hpp"
#include "ops/rows.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/operation.hpp"

namespace tapegrad::ops {

template <class T, class Kernel>
class RowwiseOp final : public OpBase<RowwiseOp<T, Kernel>, T> {
 public:
  static constexpr std::string_view kName = Kernel::kName;
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = Kernel::kFormula;

  void forward(ForwardContext<T>& ctx) const override {
    const Rows r = rows_of(ctx, 0);
    const Tensor<T>& x = ctx.input(0);
    Tensor<T>& y = ctx.output(x.shape());
    if (r.length == 0)
      return;  // empty rows: nothing to normalise
    for (std::size_t row = 0; row < r.count; ++row) {
      Kernel::forward_row(x.data() + row * r.length, y.data() + row * r.length, r.length);
    }
  }

  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.output_size();
    const std::uint64_t rows = query.output.size() == 2 ? query.output[0] : 1;
    OpCost cost{Kernel::kForwardFlops * n + Kernel::kForwardFlopsPerRow * rows, bytes_of<T>(2 * n),
                0, 0};
    if (query.needs(0)) {
      cost.backprop_flops = Kernel::kBackpropFlops * n;
      cost.backprop_bytes = bytes_of<T>(3 * n);  // y, g and ∂x
    }
    return cost;
  }
  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, Kernel::backprop_recorded(ctx.output(), ctx.grad_output()));
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Rows r = rows_of(ctx, 0);
    const GradSlot<T> dx = ctx.gradient(0);
    for (std::size_t row = 0; row < r.count; ++row) {
      const std::size_t offset = row * r.length;
      Kernel::backprop_row(ctx.output().data() + offset, ctx.grad_output().data() + offset, dx,
                           offset, r.length);
    }
  }
};

}  // namespace tapegrad::ops
