#include <array>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct ShiftKernel {
  static constexpr std::string_view kName = "shift";
  static constexpr std::string_view kFormula = "y = x + offset";
  // FLOPs per element (backprop passes g on).
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 0;
  static constexpr std::array<std::string_view, 1> kAttributes{"offset"};
  double offset = 0;

  ShiftKernel() = default;
  explicit ShiftKernel(double value) : offset(value) {}
  explicit ShiftKernel(const Attributes& a) : offset(required_attribute(a, kName, "offset")) {}
  Attributes attributes() const { return {{"offset", offset}}; }

  template <class T, class X>
  auto value(const X& x) const {
    return x + T(offset);
  }
  // Returns g itself: a plain `auto` would copy the whole gradient.
  template <class T, class X, class Y, class G>
  const G& grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g;
  }
};

template <class T>
using ShiftOp = UnaryElementwise<T, ShiftKernel>;

[[maybe_unused]] const bool shift_registered = register_builtin<ShiftOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> shift(Var<T> x, detail::identity_t<T> offset) {
  return ops::record_with<ops::ShiftOp<T>>({x}, ops::ShiftKernel(static_cast<double>(offset)));
}

template Var<float> shift(Var<float>, float);
template Var<double> shift(Var<double>, double);

}  // namespace tapegrad
