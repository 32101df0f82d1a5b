#include "ops/axis_reduction.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct SumKind {
  static constexpr std::string_view kName = "sum";
  static constexpr std::string_view kFormula = "y = Σ x (over all elements, or along an axis)";
  static constexpr bool kMean = false;
};

template <class T>
using SumOp = AxisReduction<T, SumKind>;

[[maybe_unused]] const bool sum_registered = register_builtin<SumOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> sum(Var<T> x) {
  return ops::record_stateless<ops::SumOp<T>>(x);
}

template <class T>
Var<T> sum(Var<T> x, int axis, bool keepdims) {
  return ops::record_with<ops::SumOp<T>>({x}, ops::ReductionSpec{axis, keepdims});
}

template Var<float> sum(Var<float>);
template Var<double> sum(Var<double>);
template Var<float> sum(Var<float>, int, bool);
template Var<double> sum(Var<double>, int, bool);

}  // namespace tapegrad
