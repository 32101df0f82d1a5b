#pragma once
// The kinds of slice_reduction.hpp behind max/min (the extreme value; its
// gradient shared equally between the elements that reach it, as PyTorch's
// amax) and argmax/argmin (the first position of the extreme value, a
// constant). A NaN is the extreme for both, as in numpy. Order (Greatest or
// Least, extremum.hpp) states the op's name and formula.

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>

#include "ops/extremum.hpp"
#include "ops/slice_reduction.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad::ops {

/// Where the slice's extreme is: the first NaN, or else the first of the
/// elements no other beats.
template <class Order, class T>
std::size_t extreme_position(const Slice<T>& x) {
  std::size_t best = 0;
  for (std::size_t a = 0; a < x.length; ++a) {
    if (std::isnan(x[a]))
      return a;
    if (Order::beats(x[a], x[best]))
      best = a;
  }
  return best;
}

template <class Order>
struct ExtremumKind {
  static constexpr std::string_view kName = Order::kName;
  static constexpr std::string_view kFormula = Order::kFormula;
  static constexpr auto kAttributes = kAxisAttributes;
  // Per element: forward a compare and a NaN test; backprop a compare, a
  // count and a select with the division.
  static constexpr unsigned kForwardFlops = 2;
  static constexpr unsigned kBackpropFlops = 3;
  static constexpr bool kConstant = false;

  template <class T>
  void check(const ReductionLayout& l, const detail::NodeView<T>& ctx) const {
    require_elements(ctx, l, kName);
  }
  template <class T>
  T value(const Slice<T>& x) const {
    return x[extreme_position<Order>(x)];
  }
  template <class T, class Add>
  void grad(const Slice<T>& x, T y, T g, const Add& add) const {
    std::size_t ties = 0;
    for (std::size_t a = 0; a < x.length; ++a)
      ties += x[a] == y ? 1 : 0;
    const T share = ties ? g / static_cast<T>(ties) : T(0);
    for (std::size_t a = 0; a < x.length; ++a)
      add(a, x[a] == y ? share : T(0));
  }
  /// g times a constant: which elements reach the extreme (over their
  /// count), piecewise constant, so its own derivative is 0.
  template <class T>
  Var<T> recorded(const Var<T>& x, const Var<T>& y, const Var<T>& g, const ReductionSpec& spec,
                  const ReductionLayout& l) const {
    Tensor<T> shares = slice_derivative(*this, x.value(), y.value(), l);
    return expand_reduced(g, x.shape(), spec) * x.tape()->constant(std::move(shares), "shares");
  }
};

template <class Order>
struct ArgExtremumKind {
  static constexpr std::string_view kName = Order::kName;
  static constexpr std::string_view kFormula = Order::kFormula;
  static constexpr auto kAttributes = kAxisAttributes;
  static constexpr unsigned kForwardFlops = 2;
  static constexpr unsigned kBackpropFlops = 0;
  static constexpr bool kConstant = true;

  template <class T>
  void check(const ReductionLayout& l, const detail::NodeView<T>& ctx) const {
    require_elements(ctx, l, kName);
    // Every whole number up to 2^digits is exact in T (2^24 for float).
    constexpr auto exact = std::size_t{1} << std::numeric_limits<T>::digits;
    if (l.length > exact) {
      throw ValueError("positions up to " + std::to_string(l.length - 1) +
                           " are not all exact in this value type (shape " +
                           shape_to_string(ctx.input(0).shape()) + "); use float64",
                       ctx.site());
    }
  }
  template <class T>
  T value(const Slice<T>& x) const {
    return static_cast<T>(extreme_position<Order>(x));
  }
};

}  // namespace tapegrad::ops
