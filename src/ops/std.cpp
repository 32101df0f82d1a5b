// The standard deviation, √var (variance.hpp).
#include "ops/support.hpp"
#include "ops/variance.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
using StdOp = SliceReduction<T, VarianceKind<true>>;

[[maybe_unused]] const bool std_registered = register_builtin<StdOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> std(Var<T> x, Correction correction) {
  return ops::reduce_slices(x, {}, ops::VarianceKind<true>(correction));
}

template <class T>
Var<T> std(Var<T> x, int axis, bool keepdims, Correction correction) {
  return ops::reduce_slices(x, {axis, keepdims}, ops::VarianceKind<true>(correction));
}

template Var<float> std(Var<float>, Correction);
template Var<double> std(Var<double>, Correction);
template Var<float> std(Var<float>, int, bool, Correction);
template Var<double> std(Var<double>, int, bool, Correction);

}  // namespace tapegrad
