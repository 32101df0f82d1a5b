// With numpy broadcasting; ∂a = g · b and ∂b = g · a, summed back to each
// input's shape.
#include "ops/binary_elementwise.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct MulKernel {
  static constexpr std::string_view kName = "mul";
  static constexpr std::string_view kFormula = "y = a·b";
  // FLOPs per output element, and how many operand-sized tensors each
  // gradient reads besides g (before summing broadcast axes away).
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kGradAFlops = 1;
  static constexpr unsigned kGradAReads = 1;
  static constexpr unsigned kGradBFlops = 1;
  static constexpr unsigned kGradBReads = 1;

  template <class A, class B>
  static auto value(const A& a, const B& b) {
    return a * b;
  }
  template <class A, class B, class Y, class G>
  static auto grad_a([[maybe_unused]] const A& a, [[maybe_unused]] const B& b,
                     [[maybe_unused]] const Y& y, const G& g) {
    return g * b;
  }
  template <class A, class B, class Y, class G>
  static auto grad_b([[maybe_unused]] const A& a, [[maybe_unused]] const B& b,
                     [[maybe_unused]] const Y& y, const G& g) {
    return g * a;
  }
};

template <class T>
using MulOp = BinaryElementwise<T, MulKernel>;

[[maybe_unused]] const bool mul_registered = register_builtin<MulOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> mul(Var<T> a, Var<T> b) {
  return ops::record_stateless<ops::MulOp<T>>(a, b);
}

template Var<float> mul(Var<float>, Var<float>);
template Var<double> mul(Var<double>, Var<double>);

}  // namespace tapegrad
