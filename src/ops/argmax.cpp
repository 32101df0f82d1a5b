#include "ops/extremum_reduction.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct ArgmaxOrder : Greatest {
  static constexpr std::string_view kName = "argmax";
  static constexpr std::string_view kFormula =
      "y = the first position of max x (all elements: flat; or along an axis), a constant";
};

template <class T>
using ArgmaxOp = SliceReduction<T, ArgExtremumKind<ArgmaxOrder>>;

[[maybe_unused]] const bool argmax_registered = register_builtin<ArgmaxOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> argmax(Var<T> x) {
  return ops::reduce_slices<ops::ArgExtremumKind<ops::ArgmaxOrder>>(x);
}

template <class T>
Var<T> argmax(Var<T> x, int axis, bool keepdims) {
  return ops::reduce_slices<ops::ArgExtremumKind<ops::ArgmaxOrder>>(x, {axis, keepdims});
}

template Var<float> argmax(Var<float>);
template Var<double> argmax(Var<double>);
template Var<float> argmax(Var<float>, int, bool);
template Var<double> argmax(Var<double>, int, bool);

}  // namespace tapegrad
