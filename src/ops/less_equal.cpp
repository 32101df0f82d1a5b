#include "ops/comparison.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/comparisons.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct LessEqualKernel {
  static constexpr std::string_view kName = "less_equal";
  static constexpr std::string_view kFormula = "y = 1 where a ≤ b, else 0 (a constant)";
  template <class A, class B>
  static auto holds(const A& a, const B& b) {
    return a <= b;
  }
};

template <class T>
using LessEqualOp = Comparison<T, LessEqualKernel>;

[[maybe_unused]] const bool less_equal_registered = register_builtin<LessEqualOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> less_equal(Var<T> a, Var<T> b) {
  return ops::compare<ops::LessEqualKernel>(a, b);
}

template Var<float> less_equal(Var<float>, Var<float>);
template Var<double> less_equal(Var<double>, Var<double>);

}  // namespace tapegrad
