// dy/dx = cos(x).
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct SinKernel {
  static constexpr std::string_view kName = "sin";
  static constexpr std::string_view kFormula = "y = sin(x)";
  // FLOPs per element (backprop: cos, multiply).
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 2;

  template <class T, class X>
  auto value(const X& x) const {
    return math::sin(x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g * math::cos(x);
  }
  template <class T>
  void value_and_slope(T x, T& y, T& slope) const {
    T s, c;
    math::sincos(x, s, c);
    y = s;
    slope = c;
  }
};

template <class T>
using SinOp = UnaryElementwise<T, SinKernel>;

[[maybe_unused]] const bool sin_registered = register_builtin<SinOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> sin(Var<T> x) {
  return ops::record_stateless<ops::SinOp<T>>(x);
}

template Var<float> sin(Var<float>);
template Var<double> sin(Var<double>);

}  // namespace tapegrad
