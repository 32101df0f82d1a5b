// With numpy broadcasting; ∂a = g and ∂b = −g, summed back to each
// input's shape.
#include "ops/binary_elementwise.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct SubKernel {
  static constexpr std::string_view kName = "sub";
  static constexpr std::string_view kFormula = "y = a − b";
  // FLOPs per output element, and how many operand-sized tensors each
  // gradient reads besides g (before summing broadcast axes away).
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kGradAFlops = 0;
  static constexpr unsigned kGradAReads = 0;
  static constexpr unsigned kGradBFlops = 1;
  static constexpr unsigned kGradBReads = 0;

  template <class A, class B>
  static auto value(const A& a, const B& b) {
    return a - b;
  }
  template <class A, class B, class Y, class G>
  static const G& grad_a([[maybe_unused]] const A& a, [[maybe_unused]] const B& b,
                         [[maybe_unused]] const Y& y, const G& g) {
    return g;  // by reference: `auto` would copy the tensor
  }
  template <class A, class B, class Y, class G>
  static auto grad_b([[maybe_unused]] const A& a, [[maybe_unused]] const B& b,
                     [[maybe_unused]] const Y& y, const G& g) {
    return -g;
  }
};

template <class T>
using SubOp = BinaryElementwise<T, SubKernel>;

[[maybe_unused]] const bool sub_registered = register_builtin<SubOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> sub(Var<T> a, Var<T> b) {
  return ops::record_stateless<ops::SubOp<T>>(a, b);
}

template Var<float> sub(Var<float>, Var<float>);
template Var<double> sub(Var<double>, Var<double>);

}  // namespace tapegrad
