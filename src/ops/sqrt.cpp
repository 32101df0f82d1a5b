// dy/dx = 1 / (2y): backprop reads only the output.
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct SqrtKernel {
  static constexpr std::string_view kName = "sqrt";
  static constexpr std::string_view kFormula = "y = √x";
  // FLOPs per element (backprop: g / (2y)).
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 2;

  template <class T, class X>
  auto value(const X& x) const {
    return math::sqrt(x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g / (T(2) * y);
  }
};

template <class T>
using SqrtOp = UnaryElementwise<T, SqrtKernel>;

[[maybe_unused]] const bool sqrt_registered = register_builtin<SqrtOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> sqrt(Var<T> x) {
  return ops::record_stateless<ops::SqrtOp<T>>(x);
}

template Var<float> sqrt(Var<float>);
template Var<double> sqrt(Var<double>);

}  // namespace tapegrad
