// dy/dx = 2x.
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct SquareKernel {
  static constexpr std::string_view kName = "square";
  static constexpr std::string_view kFormula = "y = x²";
  // FLOPs per element (backprop: 2·x·g).
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 2;

  template <class T, class X>
  auto value(const X& x) const {
    return x * x;
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return T(2) * x * g;
  }
};

template <class T>
using SquareOp = UnaryElementwise<T, SquareKernel>;

[[maybe_unused]] const bool square_registered = register_builtin<SquareOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> square(Var<T> x) {
  return ops::record_stateless<ops::SquareOp<T>>(x);
}

template Var<float> square(Var<float>);
template Var<double> square(Var<double>);

}  // namespace tapegrad
