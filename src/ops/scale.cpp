#include <array>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct ScaleKernel {
  static constexpr std::string_view kName = "scale";
  static constexpr std::string_view kFormula = "y = factor·x";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 1;
  static constexpr std::array<std::string_view, 1> kAttributes{"factor"};
  double factor = 0;

  ScaleKernel() = default;
  explicit ScaleKernel(double value) : factor(value) {}
  explicit ScaleKernel(const Attributes& a) : factor(required_attribute(a, kName, "factor")) {}
  Attributes attributes() const { return {{"factor", factor}}; }

  template <class T, class X>
  auto value(const X& x) const {
    return T(factor) * x;
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return T(factor) * g;
  }
};

template <class T>
using ScaleOp = UnaryElementwise<T, ScaleKernel>;

[[maybe_unused]] const bool scale_registered = register_builtin<ScaleOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> scale(Var<T> x, detail::identity_t<T> factor) {
  return ops::record_with<ops::ScaleOp<T>>({x}, ops::ScaleKernel(static_cast<double>(factor)));
}

template Var<float> scale(Var<float>, float);
template Var<double> scale(Var<double>, double);

}  // namespace tapegrad
