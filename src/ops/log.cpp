// dy/dx = 1 / x.
#include <limits>
#include <numbers>
#include <type_traits>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct LogKernel {
  static constexpr std::string_view kName = "log";
  static constexpr std::string_view kFormula = "y = log(x)";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 1;

  template <class T, class X>
  auto value(const X& x) const {
    if constexpr (std::is_arithmetic_v<X> || is_var_v<X>) {
      return math::log(x);
    } else {
      // xsimd's vectorised log gets float64 subnormals wrong (−746.52 for
      // log(4.9e−324) instead of −744.44): those are scaled into the normal
      // range first, log(x) = log(x · 2⁶⁴) − 64 ln 2 (one log per lane: only
      // its argument and the correction are selected).
      const auto subnormal = x < X(std::numeric_limits<T>::min());
      const X y = math::log(math::select(subnormal, x * X(T(18446744073709551616.0)), x));
      return math::select(subnormal, y - X(T(64) * std::numbers::ln2_v<T>), y);
    }
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g / x;
  }
};

template <class T>
using LogOp = UnaryElementwise<T, LogKernel>;

[[maybe_unused]] const bool log_registered = register_builtin<LogOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> log(Var<T> x) {
  return ops::record_stateless<ops::LogOp<T>>(x);
}

template Var<float> log(Var<float>);
template Var<double> log(Var<double>);

}  // namespace tapegrad
