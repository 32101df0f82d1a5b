#include "ops/extremum_reduction.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct MinOrder : Least {
  static constexpr std::string_view kName = "min";
  static constexpr std::string_view kFormula =
      "y = min x (over all elements, or along an axis; ties share the gradient)";
};

template <class T>
using MinOp = SliceReduction<T, ExtremumKind<MinOrder>>;

[[maybe_unused]] const bool min_registered = register_builtin<MinOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> min(Var<T> x) {
  return ops::reduce_slices<ops::ExtremumKind<ops::MinOrder>>(x);
}

template <class T>
Var<T> min(Var<T> x, int axis, bool keepdims) {
  return ops::reduce_slices<ops::ExtremumKind<ops::MinOrder>>(x, {axis, keepdims});
}

template Var<float> min(Var<float>);
template Var<double> min(Var<double>);
template Var<float> min(Var<float>, int, bool);
template Var<double> min(Var<double>, int, bool);

}  // namespace tapegrad
