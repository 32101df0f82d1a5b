#include "ops/comparison.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/comparisons.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct GreaterKernel {
  static constexpr std::string_view kName = "greater";
  static constexpr std::string_view kFormula = "y = 1 where a > b, else 0 (a constant)";
  template <class A, class B>
  static auto holds(const A& a, const B& b) {
    return a > b;
  }
};

template <class T>
using GreaterOp = Comparison<T, GreaterKernel>;

[[maybe_unused]] const bool greater_registered = register_builtin<GreaterOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> greater(Var<T> a, Var<T> b) {
  return ops::compare<ops::GreaterKernel>(a, b);
}

template Var<float> greater(Var<float>, Var<float>);
template Var<double> greater(Var<double>, Var<double>);

}  // namespace tapegrad
