// dy/dx = y: backprop reads only the output.
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct ExpKernel {
  static constexpr std::string_view kName = "exp";
  static constexpr std::string_view kFormula = "y = exp(x)";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 1;

  template <class T, class X>
  auto value(const X& x) const {
    return math::exp(x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g * y;
  }
};

template <class T>
using ExpOp = UnaryElementwise<T, ExpKernel>;

[[maybe_unused]] const bool exp_registered = register_builtin<ExpOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> exp(Var<T> x) {
  return ops::record_stateless<ops::ExpOp<T>>(x);
}

template Var<float> exp(Var<float>);
template Var<double> exp(Var<double>);

}  // namespace tapegrad
