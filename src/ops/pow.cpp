// A constant exponent p: dy/dx = p x^(p−1).
#include <array>
#include <cmath>
#include <type_traits>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct PowKernel {
  static constexpr std::string_view kName = "pow";
  static constexpr std::string_view kFormula = "y = x^exponent";
  // FLOPs per element (backprop: x^(p−1), two multiplies).
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 3;
  static constexpr std::array<std::string_view, 1> kAttributes{"exponent"};
  double exponent = 0;

  PowKernel() = default;
  explicit PowKernel(double value) : exponent(value) {}
  explicit PowKernel(const Attributes& a) : exponent(required_attribute(a, kName, "exponent")) {}
  Attributes attributes() const { return {{"exponent", exponent}}; }

  // std::pow on every element, also lane by lane on a batch: xsimd's vector
  // pow goes through exp(p · log x), which misses exact results
  // (2³ = 7.9999999999999982 without AVX-512) and gets 0⁰ wrong.
  template <class T, class X>
  static auto exact_pow(const X& x, T p) {
    if constexpr (std::is_arithmetic_v<X>) {
      return std::pow(x, p);
    } else if constexpr (is_var_v<X>) {
      return tapegrad::pow(x, p);
    } else {
      std::array<T, X::size> lanes;
      x.store_unaligned(lanes.data());
      for (T& lane : lanes)
        lane = std::pow(lane, p);
      return X::load_unaligned(lanes.data());
    }
  }

  template <class T, class X>
  auto value(const X& x) const {
    return exact_pow(x, T(exponent));
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    // For p = 0 the derivative is 0 everywhere, including x = 0 where
    // p · x^(p−1) would be 0 · inf.
    return g * T(exponent) * exact_pow(x, T(exponent == 0 ? 0 : exponent - 1));
  }
};

template <class T>
using PowOp = UnaryElementwise<T, PowKernel>;

[[maybe_unused]] const bool pow_registered = register_builtin<PowOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> pow(Var<T> x, detail::identity_t<T> exponent) {
  return ops::record_with<ops::PowOp<T>>({x}, ops::PowKernel(static_cast<double>(exponent)));
}

template Var<float> pow(Var<float>, float);
template Var<double> pow(Var<double>, double);

}  // namespace tapegrad
