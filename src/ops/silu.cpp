// y = x·σ(x), dy/dx = σ(x)·(1 + x·(1 − σ(x))) (σ: the logistic sigmoid).
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/activations.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct SiluKernel {
  static constexpr std::string_view kName = "silu";
  static constexpr std::string_view kFormula = "y = x·sigmoid(x)";
  // FLOPs per element (forward: the sigmoid's four and a multiply; backprop:
  // the sigmoid again and four more).
  static constexpr unsigned kForwardFlops = 5;
  static constexpr unsigned kBackpropFlops = 8;

  template <class T, class X>
  static auto logistic(const X& x) {
    if constexpr (is_var_v<X>) {
      return sigmoid(x);
    } else {
      return T(1) / (T(1) + math::exp(-x));
    }
  }

  template <class T, class X>
  auto value(const X& x) const {
    return x * logistic<T>(x);
  }
  template <class T, class X, class Y, class G>
  auto grad(const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    const auto s = logistic<T>(x);
    return g * (s * (T(1) + x * (T(1) - s)));
  }
};

template <class T>
using SiluOp = UnaryElementwise<T, SiluKernel>;

[[maybe_unused]] const bool silu_registered = register_builtin<SiluOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> silu(Var<T> x) {
  return ops::record_stateless<ops::SiluOp<T>>(x);
}

template Var<float> silu(Var<float>);
template Var<double> silu(Var<double>);

}  // namespace tapegrad
