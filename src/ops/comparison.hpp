#pragma once
// The shape shared by greater, greater_equal, less, less_equal and equal:
// numpy broadcasting forward into a 0/1 mask, marked non-differentiable (see
// ForwardContext::mark_non_differentiable), so the node is a constant and is
// never swept. Kernel::holds(a, b) is the relation, on two numbers or on two
// tensors elementwise; the kernel states the op's name and formula.

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include <xtensor/xoperation.hpp>

#include "ops/binary_elementwise.hpp"
#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/ops/comparisons.hpp"

namespace tapegrad::ops {

template <class T, class Kernel>
class Comparison final : public OpBase<Comparison<T, Kernel>, T> {
 public:
  static constexpr std::string_view kName = Kernel::kName;
  static constexpr int kArity = 2;
  static constexpr std::string_view kFormula = Kernel::kFormula;

  void forward(ForwardContext<T>& ctx) const override {
    ctx.mark_non_differentiable();
    broadcast_forward(ctx, [](const auto& a, const auto& b) {
      if constexpr (std::is_arithmetic_v<std::decay_t<decltype(a)>>) {
        return Kernel::holds(a, b) ? T(1) : T(0);
      } else {
        return xt::where(Kernel::holds(a, b), T(1), T(0));
      }
    });
  }

  // A constant output is never swept: nothing to send, at any order.
  void backprop(BackpropContext<T>&) const override {}
  void differentiable_backprop(DifferentiableBackpropContext<T>&) const override {}

  /// One compare per output element; no backprop.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.output_size();
    return OpCost{n, bytes_of<T>(query.input_size(0) + query.input_size(1) + n), 0, 0};
  }
};

/// Records the comparison with kernel Kernel of a and b.
template <class Kernel, class T>
Var<T> compare(Var<T> a, Var<T> b) {
  return record_stateless<Comparison<T, Kernel>>(a, b);
}

}  // namespace tapegrad::ops
