// dy/dx = 2/√π · exp(−x²).
#include <numbers>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct ErfKernel {
  static constexpr std::string_view kName = "erf";
  static constexpr std::string_view kFormula = "y = erf(x) = 2/√π ∫₀ˣ exp(−t²) dt";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 4;

  template <class T, class X>
  auto value(const X& x) const {
    return math::erf(x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g * (T(2) * std::numbers::inv_sqrtpi_v<T>)*math::exp(-(x * x));
  }
};

template <class T>
using ErfOp = UnaryElementwise<T, ErfKernel>;

[[maybe_unused]] const bool erf_registered = register_builtin<ErfOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> erf(Var<T> x) {
  return ops::record_stateless<ops::ErfOp<T>>(x);
}

template Var<float> erf(Var<float>);
template Var<double> erf(Var<double>);

}  // namespace tapegrad
