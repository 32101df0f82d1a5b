#pragma once
// The orders behind maximum/minimum, max/min and argmax/argmin: Greatest
// and Least say whether one value beats another (strictly, so equal values
// tie). And the kernel of maximum and minimum for binary_elementwise.hpp:
// the winner's value (a NaN on either side wins), and the gradient to the
// winner, shared equally on a tie (g/2 each, as PyTorch).

#include <cmath>
#include <string_view>
#include <type_traits>
#include <utility>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "ops/support.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad::ops {

struct Greatest {
  template <class A, class B>
  static auto beats(const A& a, const B& b) {
    return a > b;
  }
};

struct Least {
  template <class A, class B>
  static auto beats(const A& a, const B& b) {
    return a < b;
  }
};

/// Order states the op's name and formula (kName, kFormula).
template <class Order>
struct PairwiseExtremumKernel {
  static constexpr std::string_view kName = Order::kName;
  static constexpr std::string_view kFormula = Order::kFormula;
  // FLOPs per output element (forward: compare, NaN test; each gradient:
  // two compares and a multiply), and the operands each gradient reads
  // besides g.
  static constexpr unsigned kForwardFlops = 2;
  static constexpr unsigned kGradAFlops = 3;
  static constexpr unsigned kGradAReads = 2;
  static constexpr unsigned kGradBFlops = 3;
  static constexpr unsigned kGradBReads = 2;

  template <class A, class B>
  static auto value(const A& a, const B& b) {
    if constexpr (std::is_arithmetic_v<A>) {
      return Order::beats(a, b) || std::isnan(a) ? a : b;
    } else {
      return xt::where(Order::beats(a, b) || xt::isnan(a), a, b);
    }
  }
  template <class A, class B, class Y, class G>
  static auto grad_a(const A& a, const B& b, [[maybe_unused]] const Y& y, const G& g) {
    return g * share(a, b);
  }
  template <class A, class B, class Y, class G>
  static auto grad_b(const A& a, const B& b, [[maybe_unused]] const Y& y, const G& g) {
    return g * share(b, a);
  }

  /// 1 where a beats b, ½ where they tie, 0 where b wins: a's share of g.
  /// For Vars a constant of the output's shape (piecewise constant, so its
  /// derivative is 0).
  template <class A, class B>
  static auto share(const A& a, const B& b) {
    if constexpr (std::is_arithmetic_v<A>) {
      return Order::beats(a, b) ? A(1) : a == b ? A(0.5) : A(0);
    } else if constexpr (is_var_v<A>) {
      using T = typename A::value_type;
      Tensor<T> values = share(a.value(), b.value());
      return a.tape()->constant(std::move(values), "share");
    } else {
      using T = typename A::value_type;
      return xt::where(Order::beats(a, b), T(1), xt::where(xt::equal(a, b), T(0.5), T(0)));
    }
  }
};

}  // namespace tapegrad::ops
