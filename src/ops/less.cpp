#include "ops/comparison.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/comparisons.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct LessKernel {
  static constexpr std::string_view kName = "less";
  static constexpr std::string_view kFormula = "y = 1 where a < b, else 0 (a constant)";
  template <class A, class B>
  static auto holds(const A& a, const B& b) {
    return a < b;
  }
};

template <class T>
using LessOp = Comparison<T, LessKernel>;

[[maybe_unused]] const bool less_registered = register_builtin<LessOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> less(Var<T> a, Var<T> b) {
  return ops::compare<ops::LessKernel>(a, b);
}

template Var<float> less(Var<float>, Var<float>);
template Var<double> less(Var<double>, Var<double>);

}  // namespace tapegrad
