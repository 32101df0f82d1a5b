// dy/dx = 1 where x > 0, else 0 (also at 0).
#include <utility>

#include <xtensor/xoperation.hpp>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/activations.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct ReluKernel {
  static constexpr std::string_view kName = "relu";
  static constexpr std::string_view kFormula = "y = max(x, 0)";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 1;

  template <class T, class X>
  auto value(const X& x) const {
    return math::select(x > X(0), x, X(0));
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    if constexpr (is_var_v<X>) {
      // The step function's own derivative is zero (almost everywhere): a
      // constant mask carries no gradient back to x.
      Tensor<T> step = xt::where(x.value() > T(0), T(1), T(0));
      return g * x.tape()->constant(std::move(step), "relu'");
    } else {
      return math::select(x > X(0), g, G(0));
    }
  }
};

template <class T>
using ReluOp = UnaryElementwise<T, ReluKernel>;

[[maybe_unused]] const bool relu_registered = register_builtin<ReluOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> relu(Var<T> x) {
  return ops::record_stateless<ops::ReluOp<T>>(x);
}

template Var<float> relu(Var<float>);
template Var<double> relu(Var<double>);

}  // namespace tapegrad
