// y = √Σx², computed as m·√Σ(x/m)² with m = max |x|, so that no square
// overflows or underflows; ∂x = g · x / y, and 0 where y = 0 (then every x
// of the slice is 0: a subgradient, as PyTorch).
#include <algorithm>
#include <cmath>
#include <utility>

#include <xtensor/xoperation.hpp>

#include "ops/slice_reduction.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct NormKind {
  static constexpr std::string_view kName = "norm";
  static constexpr std::string_view kFormula =
      "y = √Σ x² (over all elements, or along an axis; ∂x = 0 where y = 0)";
  static constexpr auto kAttributes = kAxisAttributes;
  // Per element: forward an abs, a compare, a divide, a multiply and an
  // add; backprop a multiply and a divide.
  static constexpr unsigned kForwardFlops = 5;
  static constexpr unsigned kBackpropFlops = 2;
  static constexpr bool kConstant = false;

  template <class T>
  void check(const ReductionLayout&, const detail::NodeView<T>&) const {}

  template <class T>
  T value(const Slice<T>& x) const {
    T m = 0;  // also the result for no elements
    for (std::size_t a = 0; a < x.length; ++a) {
      if (std::isnan(x[a]))
        return x[a];
      m = std::abs(x[a]) > m ? std::abs(x[a]) : m;
    }
    if (m == 0 || std::isinf(m))
      return m;
    T sum = 0;
    for (std::size_t a = 0; a < x.length; ++a)
      sum += (x[a] / m) * (x[a] / m);
    return m * std::sqrt(sum);
  }
  template <class T, class Add>
  void grad(const Slice<T>& x, T y, T g, const Add& add) const {
    for (std::size_t a = 0; a < x.length; ++a)
      add(a, y == 0 ? T(0) : g * x[a] / y);
  }
  /// x · g / y with y recorded (in the numeric backprop's order, so both
  /// round alike). Where y = 0 it is x · 0 / (y + 1): the gradient there is
  /// 0, and so are its derivatives.
  template <class T>
  Var<T> recorded(const Var<T>& x, const Var<T>& y, const Var<T>& g, const ReductionSpec& spec,
                  const ReductionLayout&) const {
    const Tensor<T>& norms = y.value();
    Var<T> numerator = g;
    Var<T> denominator = y;
    if (std::find(norms.begin(), norms.end(), T(0)) != norms.end()) {
      Tensor<T> zero = xt::where(xt::equal(norms, T(0)), T(1), T(0));
      Tensor<T> nonzero = T(1) - zero;
      Tape<T>& tape = *x.tape();
      numerator = g * tape.constant(std::move(nonzero), "y ≠ 0");
      denominator = y + tape.constant(std::move(zero), "y = 0");
    }
    const Shape& shape = x.shape();
    return x * expand_reduced(numerator, shape, spec) / expand_reduced(denominator, shape, spec);
  }
};

template <class T>
using NormOp = SliceReduction<T, NormKind>;

[[maybe_unused]] const bool norm_registered = register_builtin<NormOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> norm(Var<T> x) {
  return ops::reduce_slices<ops::NormKind>(x);
}

template <class T>
Var<T> norm(Var<T> x, int axis, bool keepdims) {
  return ops::reduce_slices<ops::NormKind>(x, {axis, keepdims});
}

template Var<float> norm(Var<float>);
template Var<double> norm(Var<double>);
template Var<float> norm(Var<float>, int, bool);
template Var<double> norm(Var<double>, int, bool);

}  // namespace tapegrad
