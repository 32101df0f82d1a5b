#pragma once
// The shape shared by softmax and log_softmax: each row along the op's axis
// (attribute "axis", default −1 = the last; negative counts from the end)
// maps to an output row of the same length, and every output of a row
// depends on every input of that row. The input is seen as (outer, length,
// inner) around the axis: along the last axis (inner = 1) a row is
// contiguous, along another one its elements lie `inner` apart.
//
// Kernel::forward_row(x, y, n, at) computes one row, whose j-th element is
// x[at(j)]; Kernel::backprop_row(y, g, dx, offset, n, at) adds that row's
// full-Jacobian VJP through dx.add(offset + at(j), …);
// Kernel::backprop_recorded(y, g, axis) is the same recorded;
// Kernel::tangent_row(y, dx, dy, n, at) writes the row's J·ẋ into dy. `at` is
// UnitStride on the last axis, so that case compiles to the plain loops over
// contiguous rows it always was. The kernel states the op's name and formula
// (kName, kFormula).

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <type_traits>

#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/tangent.hpp"

namespace tapegrad::ops {

/// Element j of a contiguous row.
struct UnitStride {
  constexpr std::size_t operator()(std::size_t j) const noexcept { return j; }
};
/// Element j of a row whose elements lie `step` apart.
struct Strided {
  std::size_t step;
  constexpr std::size_t operator()(std::size_t j) const noexcept { return j * step; }
};

/// The largest of a row's n ≥ 1 elements, as std::max_element picks it (a
/// NaN is kept only where it comes first).
template <class T, class At>
T row_max(const T* x, std::size_t n, At at) {
  if constexpr (std::is_same_v<At, UnitStride>) {
    return *std::max_element(x, x + n);
  } else {
    T max = x[0];
    for (std::size_t j = 1; j < n; ++j) {
      if (max < x[at(j)])
        max = x[at(j)];
    }
    return max;
  }
}

template <class T, class Kernel>
class RowwiseOp final : public OpBase<RowwiseOp<T, Kernel>, T> {
 public:
  static constexpr std::string_view kName = Kernel::kName;
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = Kernel::kFormula;
  static constexpr std::array<std::string_view, 1> kAttributes{"axis"};

  explicit RowwiseOp(int axis = -1) : axis_(axis) {}
  explicit RowwiseOp(const Attributes& a) : axis_(static_cast<int>(a.get_or("axis", -1))) {}

  Attributes attributes() const override { return {{"axis", static_cast<double>(axis_)}}; }

  void forward(ForwardContext<T>& ctx) const override {
    const Layout l = layout(ctx);
    const Tensor<T>& x = ctx.input(0);
    Tensor<T>& y = ctx.output(x.shape());
    if (l.length == 0)
      return;  // empty rows: nothing to normalise
    for_each_row(l, [&](std::size_t offset, auto at) {
      Kernel::forward_row(x.data() + offset, y.data() + offset, l.length, at);
    });
  }

  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.output_size();
    const Shape& s = query.output;
    const std::uint64_t length = s.empty() ? 1 : s[normalised_axis(s.size())];
    const std::uint64_t rows = length == 0 ? 0 : n / length;
    OpCost cost{Kernel::kForwardFlops * n + Kernel::kForwardFlopsPerRow * rows, bytes_of<T>(2 * n),
                0, 0};
    if (query.needs(0)) {
      cost.backprop_flops = Kernel::kBackpropFlops * n;
      cost.backprop_bytes = bytes_of<T>(3 * n);  // y, g and ∂x
    }
    return cost;
  }
  bool tangent(TangentContext<T>& ctx) const override {
    if (!ctx.has_tangent(0))
      return true;
    const Layout l = layout(ctx);
    const T* y = ctx.output().data();
    const T* dx = ctx.tangent(0).data();
    T* dy = ctx.output_tangent().data();
    for_each_row(l, [&](std::size_t offset, auto at) {
      Kernel::tangent_row(y + offset, dx + offset, dy + offset, l.length, at);
    });
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0)) {
      ctx.accumulate(0, Kernel::backprop_recorded(ctx.output(), ctx.grad_output(), axis_));
    }
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Layout l = layout(ctx);
    const GradSlot<T> dx = ctx.gradient(0);
    const T* y = ctx.output().data();
    const T* g = ctx.grad_output().data();
    for_each_row(l, [&](std::size_t offset, auto at) {
      Kernel::backprop_row(y + offset, g + offset, dx, offset, l.length, at);
    });
  }

 private:
  struct Layout {
    std::size_t outer = 1, length = 1, inner = 1;
  };

  std::size_t normalised_axis(std::size_t rank) const {
    return static_cast<std::size_t>(axis_ < 0 ? axis_ + static_cast<int>(rank) : axis_);
  }

  Layout layout(const detail::NodeView<T>& ctx) const {
    const Shape& shape = ctx.input(0).shape();
    if (shape.empty()) {
      throw ShapeError("needs at least one axis (a vector, a matrix, …), got shape ()", ctx.site());
    }
    const int rank = static_cast<int>(shape.size());
    if (axis_ < -rank || axis_ >= rank) {
      throw ValueError(
          "axis " + std::to_string(axis_) + " is out of range for shape " + shape_to_string(shape),
          ctx.site());
    }
    const std::size_t axis = normalised_axis(shape.size());
    Layout l;
    for (std::size_t k = 0; k < shape.size(); ++k) {
      if (k < axis)
        l.outer *= shape[k];
      if (k > axis)
        l.inner *= shape[k];
    }
    l.length = shape[axis];
    return l;
  }

  /// f(offset of the row's first element, its stride) for every row.
  template <class F>
  static void for_each_row(const Layout& l, const F& f) {
    if (l.inner == 1) {
      for (std::size_t row = 0; row < l.outer; ++row)
        f(row * l.length, UnitStride{});
      return;
    }
    const Strided at{l.inner};
    for (std::size_t o = 0; o < l.outer; ++o) {
      for (std::size_t i = 0; i < l.inner; ++i)
        f(o * l.length * l.inner + i, at);
    }
  }

  int axis_;
};

}  // namespace tapegrad::ops
