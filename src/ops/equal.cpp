#include <type_traits>

#include <xtensor/xoperation.hpp>

#include "ops/comparison.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/comparisons.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct EqualKernel {
  static constexpr std::string_view kName = "equal";
  static constexpr std::string_view kFormula = "y = 1 where a = b, else 0 (a constant)";
  template <class A, class B>
  static auto holds(const A& a, const B& b) {
    if constexpr (std::is_arithmetic_v<A>) {
      return a == b;
    } else {
      return xt::equal(a, b);  // a == b of two tensors would compare them whole
    }
  }
};

template <class T>
using EqualOp = Comparison<T, EqualKernel>;

[[maybe_unused]] const bool equal_registered = register_builtin<EqualOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> equal(Var<T> a, Var<T> b) {
  return ops::compare<ops::EqualKernel>(a, b);
}

template Var<float> equal(Var<float>, Var<float>);
template Var<double> equal(Var<double>, Var<double>);

}  // namespace tapegrad
