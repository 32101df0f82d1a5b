#include "ops/axis_reduction.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct MeanKind {
  static constexpr std::string_view kName = "mean";
  static constexpr std::string_view kFormula = "y = Σ x / n (over all elements, or along an axis)";
  static constexpr bool kMean = true;
};

template <class T>
using MeanOp = AxisReduction<T, MeanKind>;

[[maybe_unused]] const bool mean_registered = register_builtin<MeanOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> mean(Var<T> x) {
  return ops::record_stateless<ops::MeanOp<T>>(x);
}

template <class T>
Var<T> mean(Var<T> x, int axis, bool keepdims) {
  return ops::record_with<ops::MeanOp<T>>({x}, ops::ReductionSpec{axis, keepdims});
}

template Var<float> mean(Var<float>);
template Var<double> mean(Var<double>);
template Var<float> mean(Var<float>, int, bool);
template Var<double> mean(Var<double>, int, bool);

}  // namespace tapegrad
