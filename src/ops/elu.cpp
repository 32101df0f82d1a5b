// dy/dx = 1 where x > 0, alpha·exp(x) = y + alpha elsewhere (also at 0).
#include <array>
#include <utility>

#include <xtensor/xoperation.hpp>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/comparisons.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct EluKernel {
  static constexpr std::string_view kName = "elu";
  static constexpr std::string_view kFormula = "y = x if x > 0, else alpha·(exp(x) − 1)";
  static constexpr unsigned kForwardFlops = 3;
  static constexpr unsigned kBackpropFlops = 3;
  static constexpr std::array<std::string_view, 1> kAttributes{"alpha"};
  double alpha = 1;

  EluKernel() = default;
  explicit EluKernel(double value) : alpha(value) {}
  explicit EluKernel(const Attributes& a) : alpha(a.get_or("alpha", 1.0)) {}
  Attributes attributes() const { return {{"alpha", alpha}}; }

  template <class T, class X>
  auto value(const X& x) const {
    return math::select(x > X(0), x, T(alpha) * math::expm1(x));
  }
  template <class T, class X, class Y, class G>
  auto grad(const X& x, const Y& y, const G& g) const {
    if constexpr (is_var_v<X>) {
      // y + alpha is itself a function of x (its derivative is y + alpha
      // again), so the recorded gradient differentiates on.
      Tensor<T> step = xt::where(x.value() > T(0), T(1), T(0));
      const Var<T> positive = x.tape()->constant(std::move(step), "x > 0");
      return g * where(positive, scalar_like(x, T(1)), y + T(alpha));
    } else {
      return math::select(x > X(0), g, g * (y + T(alpha)));
    }
  }
};

template <class T>
using EluOp = UnaryElementwise<T, EluKernel>;

[[maybe_unused]] const bool elu_registered = register_builtin<EluOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> elu(Var<T> x, detail::identity_t<T> alpha) {
  return ops::record_with<ops::EluOp<T>>({x}, ops::EluKernel(static_cast<double>(alpha)));
}

template Var<float> elu(Var<float>, float);
template Var<double> elu(Var<double>, double);

}  // namespace tapegrad
