#include "ops/extremum_reduction.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct MaxOrder : Greatest {
  static constexpr std::string_view kName = "max";
  static constexpr std::string_view kFormula =
      "y = max x (over all elements, or along an axis; ties share the gradient)";
};

template <class T>
using MaxOp = SliceReduction<T, ExtremumKind<MaxOrder>>;

[[maybe_unused]] const bool max_registered = register_builtin<MaxOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> max(Var<T> x) {
  return ops::reduce_slices<ops::ExtremumKind<ops::MaxOrder>>(x);
}

template <class T>
Var<T> max(Var<T> x, int axis, bool keepdims) {
  return ops::reduce_slices<ops::ExtremumKind<ops::MaxOrder>>(x, {axis, keepdims});
}

template Var<float> max(Var<float>);
template Var<double> max(Var<double>);
template Var<float> max(Var<float>, int, bool);
template Var<double> max(Var<double>, int, bool);

}  // namespace tapegrad
