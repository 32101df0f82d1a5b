#pragma once
// The shape shared by max, min, argmax, argmin, logsumexp, var, std and
// norm: each result is a function of one slice of the input — every element,
// or the elements along one axis (attributes "axis" and "keepdims", as for
// sum; axis_reduction.hpp) — and each element's gradient depends only on its
// own slice. Kind computes one slice (a Slice: a start and a stride):
//
//   kName, kFormula, kAttributes (axis and keepdims, then its own)
//   kForwardFlops, kBackpropFlops     per input element, for cost()
//   kConstant                         true: an index, not differentiable
//   check(layout, ctx)                throws for input it refuses
//   value(slice)                      the slice's result
//   grad(slice, y, g, add)            calls add(a, ∂L/∂x_a) for every element a
//   recorded(x, y, g, spec, layout)   the contribution to ∂L/∂x as recorded ops
//
// (grad and recorded are not needed when kConstant.) A Kind with attributes
// of its own (var's correction) is built from Attributes and reports them.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "ops/axis_reduction.hpp"
#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/tangent.hpp"

namespace tapegrad::ops {

/// The elements of one slice: first[0], first[stride], …
template <class T>
struct Slice {
  const T* first;
  std::size_t length;
  std::size_t stride;

  T operator[](std::size_t a) const { return first[a * stride]; }
};

/// The numeric backprop of `kind` with g = 1 for every result: each
/// element's derivative of its own slice's result, in x's shape (for a
/// recorded backprop that needs it as a constant).
template <class T, class Kind>
Tensor<T> slice_derivative(const Kind& kind, const Tensor<T>& x, const Tensor<T>& y,
                           const ReductionLayout& l) {
  Tensor<T> d = Tensor<T>::from_shape(x.shape());
  l.for_each_slice([&](std::size_t out, std::size_t first, std::size_t stride) {
    kind.grad(Slice<T>{x.data() + first, l.length, stride}, y.data()[out], T(1),
              [&](std::size_t a, T v) { d.data()[first + a * stride] = v; });
  });
  return d;
}

/// Throws ValueError at `ctx` (naming `what` and the input's shape) when
/// some result would reduce no elements.
template <class T>
void require_elements(const detail::NodeView<T>& ctx, const ReductionLayout& l,
                      std::string_view what) {
  if (l.length == 0 && l.slices() > 0) {
    throw ValueError("the " + std::string(what) + " of no elements is undefined (shape " +
                         shape_to_string(ctx.input(0).shape()) + ")",
                     ctx.site());
  }
}

template <class T, class Kind>
class SliceReduction final : public OpBase<SliceReduction<T, Kind>, T> {
 public:
  static constexpr std::string_view kName = Kind::kName;
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = Kind::kFormula;
  static constexpr auto kAttributes = Kind::kAttributes;

  SliceReduction() = default;
  explicit SliceReduction(ReductionSpec spec, Kind kind = {}) : spec_(spec), kind_(kind) {}
  explicit SliceReduction(const Attributes& a) : spec_(ReductionSpec::from(a)), kind_(kind_of(a)) {}

  Attributes attributes() const override {
    Attributes a = spec_.attributes();
    if constexpr (std::is_constructible_v<Kind, const Attributes&>) {
      const Attributes own = kind_.attributes();
      for (const auto& [name, value] : own.items())
        a.set(name, value);
    }
    return a;
  }

  void forward(ForwardContext<T>& ctx) const override {
    const ReductionLayout l = reduction_layout(ctx, spec_);
    kind_.check(l, ctx);
    if constexpr (Kind::kConstant)
      ctx.mark_non_differentiable();
    const T* x = ctx.input(0).data();
    T* y = ctx.output(l.out_shape).data();
    l.for_each_slice([&](std::size_t out, std::size_t first, std::size_t stride) {
      y[out] = kind_.value(Slice<T>{x + first, l.length, stride});
    });
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if constexpr (!Kind::kConstant) {
      if (!ctx.needs_grad(0))
        return;
      const ReductionLayout l = reduction_layout(ctx, spec_);
      const T* x = ctx.input(0).data();
      const T* y = ctx.output().data();
      const T* g = ctx.grad_output().data();
      const GradSlot<T> dx = ctx.gradient(0);
      l.for_each_slice([&](std::size_t out, std::size_t first, std::size_t stride) {
        kind_.grad(Slice<T>{x + first, l.length, stride}, y[out], g[out],
                   [&](std::size_t a, T v) { dx.add(first + a * stride, v); });
      });
    }
    // A constant output is never swept: nothing to send.
  }

  /// ẏ = Σ_a (∂y/∂x_a)·ẋ_a over each slice, the partials being grad() at
  /// g = 1. An index (kConstant) has a zero tangent.
  bool tangent(TangentContext<T>& ctx) const override {
    if constexpr (!Kind::kConstant) {
      if (!ctx.has_tangent(0))
        return true;
      const ReductionLayout l = reduction_layout(ctx, spec_);
      const T* x = ctx.input(0).data();
      const T* y = ctx.output().data();
      const T* dx = ctx.tangent(0).data();
      T* dy = ctx.output_tangent().data();
      l.for_each_slice([&](std::size_t out, std::size_t first, std::size_t stride) {
        T total = 0;
        kind_.grad(Slice<T>{x + first, l.length, stride}, y[out], T(1),
                   [&](std::size_t a, T v) { total += v * dx[first + a * stride]; });
        dy[out] = total;
      });
    }
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if constexpr (!Kind::kConstant) {
      if (!ctx.needs_grad(0))
        return;
      const Var<T> x = ctx.input(0);
      const ReductionLayout l = reduction_layout(x.shape(), spec_, ctx.site());
      ctx.accumulate(0, kind_.recorded(x, ctx.output(), ctx.grad_output(), spec_, l));
    }
  }

  /// Kind's FLOPs per input element; forward reads x and writes y, backprop
  /// reads x, y and g and writes ∂x.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.input_size(0);
    const std::uint64_t m = query.output_size();
    OpCost cost{Kind::kForwardFlops * n, bytes_of<T>(n + m), 0, 0};
    if (!Kind::kConstant && query.needs(0)) {
      cost.backprop_flops = Kind::kBackpropFlops * n;
      cost.backprop_bytes = bytes_of<T>(2 * n + 2 * m);
    }
    return cost;
  }

 private:
  static Kind kind_of(const Attributes& a) {
    if constexpr (std::is_constructible_v<Kind, const Attributes&>) {
      return Kind(a);
    } else {
      return Kind{};
    }
  }

  ReductionSpec spec_;
  Kind kind_{};
};

/// Records the reduction Kind of x: over every element, or as `spec` says.
template <class Kind, class T>
Var<T> reduce_slices(Var<T> x, ReductionSpec spec = {}, Kind kind = {}) {
  return record_with<SliceReduction<T, Kind>>({x}, spec, kind);
}

}  // namespace tapegrad::ops
