// dy/dx = 1 − y²: backprop reads only the output.
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/activations.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct TanhKernel {
  static constexpr std::string_view kName = "tanh";
  static constexpr std::string_view kFormula = "y = tanh(x)";
  // FLOPs per element (backprop: g·(1 − y²)).
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 3;

  template <class T, class X>
  auto value(const X& x) const {
    return math::tanh(x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g * (T(1) - y * y);
  }
};

template <class T>
using TanhOp = UnaryElementwise<T, TanhKernel>;

[[maybe_unused]] const bool tanh_registered = register_builtin<TanhOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> tanh(Var<T> x) {
  return ops::record_stateless<ops::TanhOp<T>>(x);
}

template Var<float> tanh(Var<float>);
template Var<double> tanh(Var<double>);

}  // namespace tapegrad
