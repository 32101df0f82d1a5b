#pragma once
// What slice and index share: an op that selects positions along one axis of
// its one input (axis_runs.hpp). Forward copies the selected runs, backprop
// puts g back into them (the rest of a fresh gradient zeroed). The op states
// which positions and what shape:
//   template <class Ctx> Selection select(const Ctx& ctx) const;  // any context
//   static Shape output_shape(const Shape& x, const Selection& s);

#include <optional>

#include "ops/axis_runs.hpp"
#include "tapegrad/core/tangent.hpp"

namespace tapegrad::ops {

/// The positions an op selects, and the axis they are along.
struct Selection {
  AxisRuns runs;
  std::size_t axis;
};

template <class Op, class T>
class SelectionOp : public OpBase<Op, T> {
 public:
  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    const Selection s = self().select(ctx);
    take_runs(s.runs, x.data(), ctx.output(Op::output_shape(x.shape(), s)).data(), false);
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      scatter_into_slot(self().select(ctx).runs, ctx.grad_output().data(), ctx.gradient(0));
  }

  /// Linear: ẏ is the same selection of ẋ.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0)) {
      const Selection s = self().select(ctx);
      take_runs(s.runs, ctx.tangent(0).data(), ctx.output_tangent().data(), false);
    }
    return true;
  }

  /// A copy, no arithmetic. Forward reads and writes the part; backprop reads
  /// g and writes the whole input gradient (the rest zeroed, or left as it is
  /// when accumulating).
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t part = query.output_size();
    return OpCost{0, bytes_of<T>(2 * part), 0,
                  query.needs(0) ? bytes_of<T>(part + query.input_size(0)) : 0};
  }

 private:
  const Op& self() const { return static_cast<const Op&>(*this); }
};

}  // namespace tapegrad::ops
