// dy/dx = y (1 − y): backprop reads only the output.
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/activations.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct SigmoidKernel {
  static constexpr std::string_view kName = "sigmoid";
  static constexpr std::string_view kFormula = "y = 1 / (1 + exp(−x))";
  // FLOPs per element (forward: negate, exp, add, divide; backprop: g·y·(1 − y)).
  static constexpr unsigned kForwardFlops = 4;
  static constexpr unsigned kBackpropFlops = 3;

  template <class T, class X>
  auto value(const X& x) const {
    return T(1) / (T(1) + math::exp(-x));
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g * y * (T(1) - y);
  }
};

template <class T>
using SigmoidOp = UnaryElementwise<T, SigmoidKernel>;

[[maybe_unused]] const bool sigmoid_registered = register_builtin<SigmoidOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> sigmoid(Var<T> x) {
  return ops::record_stateless<ops::SigmoidOp<T>>(x);
}

template Var<float> sigmoid(Var<float>);
template Var<double> sigmoid(Var<double>);

}  // namespace tapegrad
