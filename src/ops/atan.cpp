// dy/dx = 1 / (1 + x²).
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct AtanKernel {
  static constexpr std::string_view kName = "atan";
  static constexpr std::string_view kFormula = "y = atan(x)";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 3;

  template <class T, class X>
  auto value(const X& x) const {
    return math::atan(x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g / (T(1) + x * x);
  }
};

template <class T>
using AtanOp = UnaryElementwise<T, AtanKernel>;

[[maybe_unused]] const bool atan_registered = register_builtin<AtanOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> atan(Var<T> x) {
  return ops::record_stateless<ops::AtanOp<T>>(x);
}

template Var<float> atan(Var<float>);
template Var<double> atan(Var<double>);

}  // namespace tapegrad
