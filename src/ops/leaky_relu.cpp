// dy/dx = 1 where x > 0, slope elsewhere (also at 0).
#include <array>
#include <utility>

#include <xtensor/xoperation.hpp>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/activations.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct LeakyReluKernel {
  static constexpr std::string_view kName = "leaky_relu";
  static constexpr std::string_view kFormula = "y = x if x > 0, else slope·x";
  static constexpr unsigned kForwardFlops = 2;
  static constexpr unsigned kBackpropFlops = 2;
  static constexpr std::array<std::string_view, 1> kAttributes{"slope"};
  double slope = 0.01;

  LeakyReluKernel() = default;
  explicit LeakyReluKernel(double value) : slope(value) {}
  explicit LeakyReluKernel(const Attributes& a) : slope(a.get_or("slope", 0.01)) {}
  Attributes attributes() const { return {{"slope", slope}}; }

  template <class T, class X>
  auto value(const X& x) const {
    return math::select(x > X(0), x, T(slope) * x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    if constexpr (is_var_v<X>) {
      // A piecewise constant slope: a constant, its derivative is 0.
      Tensor<T> step = xt::where(x.value() > T(0), T(1), T(slope));
      return g * x.tape()->constant(std::move(step), "leaky_relu'");
    } else {
      return math::select(x > X(0), g, T(slope) * g);
    }
  }
};

template <class T>
using LeakyReluOp = UnaryElementwise<T, LeakyReluKernel>;

[[maybe_unused]] const bool leaky_relu_registered = register_builtin<LeakyReluOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> leaky_relu(Var<T> x, detail::identity_t<T> slope) {
  return ops::record_with<ops::LeakyReluOp<T>>({x},
                                               ops::LeakyReluKernel(static_cast<double>(slope)));
}

template Var<float> leaky_relu(Var<float>, float);
template Var<double> leaky_relu(Var<double>, double);

}  // namespace tapegrad
