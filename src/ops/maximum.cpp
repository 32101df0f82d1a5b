// With numpy broadcasting; the gradient goes to the larger operand, half to
// each where they are equal (extremum.hpp).
#include "ops/binary_elementwise.hpp"
#include "ops/extremum.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct Maximum : Greatest {
  static constexpr std::string_view kName = "maximum";
  static constexpr std::string_view kFormula = "y = max(a, b) (ties share the gradient)";
};

template <class T>
using MaximumOp = BinaryElementwise<T, PairwiseExtremumKernel<Maximum>>;

[[maybe_unused]] const bool maximum_registered = register_builtin<MaximumOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> maximum(Var<T> a, Var<T> b) {
  return ops::record_stateless<ops::MaximumOp<T>>(a, b);
}

template Var<float> maximum(Var<float>, Var<float>);
template Var<double> maximum(Var<double>, Var<double>);

}  // namespace tapegrad
