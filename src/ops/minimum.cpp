// With numpy broadcasting; the gradient goes to the smaller operand, half to
// each where they are equal (extremum.hpp).
#include "ops/binary_elementwise.hpp"
#include "ops/extremum.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct Minimum : Least {
  static constexpr std::string_view kName = "minimum";
  static constexpr std::string_view kFormula = "y = min(a, b) (ties share the gradient)";
};

template <class T>
using MinimumOp = BinaryElementwise<T, PairwiseExtremumKernel<Minimum>>;

[[maybe_unused]] const bool minimum_registered = register_builtin<MinimumOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> minimum(Var<T> a, Var<T> b) {
  return ops::record_stateless<ops::MinimumOp<T>>(a, b);
}

template Var<float> minimum(Var<float>, Var<float>);
template Var<double> minimum(Var<double>, Var<double>);

}  // namespace tapegrad
