// The sample or population variance (variance.hpp).
#include "ops/support.hpp"
#include "ops/variance.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
using VarOp = SliceReduction<T, VarianceKind<false>>;

[[maybe_unused]] const bool var_registered = register_builtin<VarOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> var(Var<T> x, Correction correction) {
  return ops::reduce_slices(x, {}, ops::VarianceKind<false>(correction));
}

template <class T>
Var<T> var(Var<T> x, int axis, bool keepdims, Correction correction) {
  return ops::reduce_slices(x, {axis, keepdims}, ops::VarianceKind<false>(correction));
}

template Var<float> var(Var<float>, Correction);
template Var<double> var(Var<double>, Correction);
template Var<float> var(Var<float>, int, bool, Correction);
template Var<double> var(Var<double>, int, bool, Correction);

}  // namespace tapegrad
