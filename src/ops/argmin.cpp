#include "ops/extremum_reduction.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct ArgminOrder : Least {
  static constexpr std::string_view kName = "argmin";
  static constexpr std::string_view kFormula =
      "y = the first position of min x (all elements: flat; or along an axis), a constant";
};

template <class T>
using ArgminOp = SliceReduction<T, ArgExtremumKind<ArgminOrder>>;

[[maybe_unused]] const bool argmin_registered = register_builtin<ArgminOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> argmin(Var<T> x) {
  return ops::reduce_slices<ops::ArgExtremumKind<ops::ArgminOrder>>(x);
}

template <class T>
Var<T> argmin(Var<T> x, int axis, bool keepdims) {
  return ops::reduce_slices<ops::ArgExtremumKind<ops::ArgminOrder>>(x, {axis, keepdims});
}

template Var<float> argmin(Var<float>);
template Var<double> argmin(Var<double>);
template Var<float> argmin(Var<float>, int, bool);
template Var<double> argmin(Var<double>, int, bool);

}  // namespace tapegrad
