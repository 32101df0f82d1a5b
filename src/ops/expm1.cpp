// dy/dx = exp(x) = y + 1: backprop reads only the output.
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct Expm1Kernel {
  static constexpr std::string_view kName = "expm1";
  static constexpr std::string_view kFormula = "y = exp(x) − 1";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 2;

  template <class T, class X>
  auto value(const X& x) const {
    return math::expm1(x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g * (y + T(1));
  }
};

template <class T>
using Expm1Op = UnaryElementwise<T, Expm1Kernel>;

[[maybe_unused]] const bool expm1_registered = register_builtin<Expm1Op>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> expm1(Var<T> x) {
  return ops::record_stateless<ops::Expm1Op<T>>(x);
}

template Var<float> expm1(Var<float>);
template Var<double> expm1(Var<double>);

}  // namespace tapegrad
