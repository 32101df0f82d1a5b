// y = m + log Σ exp(x − m), m the slice's largest element, so no exp
// overflows; ∂x = g · exp(x − y) (the softmax of the slice).
#include <cmath>
#include <limits>

#include "ops/slice_reduction.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/math.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct LogSumExpKind {
  static constexpr std::string_view kName = "logsumexp";
  static constexpr std::string_view kFormula =
      "y = log Σ exp(x) (over all elements, or along an axis; stable)";
  static constexpr auto kAttributes = kAxisAttributes;
  // Per element: forward a compare, a subtract, an exp and an add;
  // backprop a subtract, an exp and a multiply.
  static constexpr unsigned kForwardFlops = 4;
  static constexpr unsigned kBackpropFlops = 3;
  static constexpr bool kConstant = false;

  template <class T>
  void check(const ReductionLayout&, const detail::NodeView<T>&) const {}

  template <class T>
  T value(const Slice<T>& x) const {
    T m = -std::numeric_limits<T>::infinity();  // also the result for no elements
    for (std::size_t a = 0; a < x.length; ++a)
      m = x[a] > m ? x[a] : m;
    if (!std::isfinite(m))
      return m;  // ±inf: x − m would be inf − inf
    T sum = 0;
    for (std::size_t a = 0; a < x.length; ++a)
      sum += std::exp(x[a] - m);
    return m + std::log(sum);
  }
  template <class T, class Add>
  void grad(const Slice<T>& x, T y, T g, const Add& add) const {
    for (std::size_t a = 0; a < x.length; ++a)
      add(a, g * std::exp(x[a] - y));
  }
  /// g · exp(x − y), with y the recorded output: its derivative is the
  /// softmax's Jacobian.
  template <class T>
  Var<T> recorded(const Var<T>& x, const Var<T>& y, const Var<T>& g, const ReductionSpec& spec,
                  const ReductionLayout&) const {
    const Shape& shape = x.shape();
    return expand_reduced(g, shape, spec) * exp(x - expand_reduced(y, shape, spec));
  }
};

template <class T>
using LogSumExpOp = SliceReduction<T, LogSumExpKind>;

[[maybe_unused]] const bool logsumexp_registered = register_builtin<LogSumExpOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> logsumexp(Var<T> x) {
  return ops::reduce_slices<ops::LogSumExpKind>(x);
}

template <class T>
Var<T> logsumexp(Var<T> x, int axis, bool keepdims) {
  return ops::reduce_slices<ops::LogSumExpKind>(x, {axis, keepdims});
}

template Var<float> logsumexp(Var<float>);
template Var<double> logsumexp(Var<double>);
template Var<float> logsumexp(Var<float>, int, bool);
template Var<double> logsumexp(Var<double>, int, bool);

}  // namespace tapegrad
