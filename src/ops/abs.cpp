// dy/dx = sign(x), taking the subgradient 0 at x = 0 (so an L1 penalty
// leaves a weight that is exactly 0 where it is).
#include <utility>

#include <xtensor/xoperation.hpp>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct AbsKernel {
  static constexpr std::string_view kName = "abs";
  static constexpr std::string_view kFormula = "y = |x|";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 1;

  template <class T, class X>
  auto value(const X& x) const {
    return math::abs(x);
  }
  template <class T, class X, class Y, class G>
  auto grad(const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    if constexpr (is_var_v<X>) {
      // sign(x) has derivative zero (almost everywhere): a constant.
      Tensor<T> sign = xt::where(x.value() > T(0), T(1), xt::where(x.value() < T(0), T(-1), T(0)));
      return g * x.tape()->constant(std::move(sign), "sign(x)");
    } else {
      return math::select(x > X(0), g, math::select(x < X(0), -g, G(0)));
    }
  }
};

template <class T>
using AbsOp = UnaryElementwise<T, AbsKernel>;

[[maybe_unused]] const bool abs_registered = register_builtin<AbsOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> abs(Var<T> x) {
  return ops::record_stateless<ops::AbsOp<T>>(x);
}

template Var<float> abs(Var<float>);
template Var<double> abs(Var<double>);

}  // namespace tapegrad
