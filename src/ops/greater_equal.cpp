#include "ops/comparison.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/comparisons.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct GreaterEqualKernel {
  static constexpr std::string_view kName = "greater_equal";
  static constexpr std::string_view kFormula = "y = 1 where a ≥ b, else 0 (a constant)";
  template <class A, class B>
  static auto holds(const A& a, const B& b) {
    return a >= b;
  }
};

template <class T>
using GreaterEqualOp = Comparison<T, GreaterEqualKernel>;

[[maybe_unused]] const bool greater_equal_registered = register_builtin<GreaterEqualOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> greater_equal(Var<T> a, Var<T> b) {
  return ops::compare<ops::GreaterEqualKernel>(a, b);
}

template Var<float> greater_equal(Var<float>, Var<float>);
template Var<double> greater_equal(Var<double>, Var<double>);

}  // namespace tapegrad
