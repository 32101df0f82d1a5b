// With numpy broadcasting; ∂a = g / b and ∂b = −g · y / b.
#include "ops/binary_elementwise.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct DivKernel {
  static constexpr std::string_view kName = "div";
  static constexpr std::string_view kFormula = "y = a / b";
  // FLOPs per output element, and how many operand-sized tensors each
  // gradient reads besides g (before summing broadcast axes away).
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kGradAFlops = 1;
  static constexpr unsigned kGradAReads = 1;
  static constexpr unsigned kGradBFlops = 3;
  static constexpr unsigned kGradBReads = 2;

  template <class A, class B>
  static auto value(const A& a, const B& b) {
    return a / b;
  }
  template <class A, class B, class Y, class G>
  static auto grad_a([[maybe_unused]] const A& a, [[maybe_unused]] const B& b,
                     [[maybe_unused]] const Y& y, const G& g) {
    return g / b;
  }
  template <class A, class B, class Y, class G>
  static auto grad_b([[maybe_unused]] const A& a, [[maybe_unused]] const B& b,
                     [[maybe_unused]] const Y& y, const G& g) {
    return -(g * y) / b;
  }
};

template <class T>
using DivOp = BinaryElementwise<T, DivKernel>;

[[maybe_unused]] const bool div_registered = register_builtin<DivOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> div(Var<T> a, Var<T> b) {
  return ops::record_stateless<ops::DivOp<T>>(a, b);
}

template Var<float> div(Var<float>, Var<float>);
template Var<double> div(Var<double>, Var<double>);

}  // namespace tapegrad
