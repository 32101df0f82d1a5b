// dy/dx = −sin(x).
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct CosKernel {
  static constexpr std::string_view kName = "cos";
  static constexpr std::string_view kFormula = "y = cos(x)";
  // FLOPs per element (negate, sin, multiply).
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 3;

  template <class T, class X>
  auto value(const X& x) const {
    return math::cos(x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return -g * math::sin(x);
  }
  template <class T>
  void value_and_slope(T x, T& y, T& slope) const {
    T s, c;
    math::sincos(x, s, c);
    y = c;
    slope = -s;
  }
};

template <class T>
using CosOp = UnaryElementwise<T, CosKernel>;

[[maybe_unused]] const bool cos_registered = register_builtin<CosOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> cos(Var<T> x) {
  return ops::record_stateless<ops::CosOp<T>>(x);
}

template Var<float> cos(Var<float>);
template Var<double> cos(Var<double>);

}  // namespace tapegrad
