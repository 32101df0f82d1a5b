// Exact: y = x·Φ(x), dy/dx = Φ(x) + x·φ(x) (Φ, φ: the standard normal's
// distribution and density), with Φ(x) = ½ erfc(−x/√2), which unlike
// ½(1 + erf(x/√2)) keeps its digits for x ≪ 0 (gelu(−10) = −7.6e−23, not
// −0). With the tanh approximation, u = √(2/π)(x +
// 0.044715x³), t = tanh(u): y = ½x(1 + t), dy/dx = ½(1 + t) + ½x(1 − t²)u'.
#include <array>
#include <numbers>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/activations.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct GeluKernel {
  static constexpr std::string_view kName = "gelu";
  static constexpr std::string_view kFormula =
      "y = x·Φ(x) = ½x(1 + erf(x/√2)); approximate 1: ½x(1 + tanh(√(2/π)(x + 0.044715x³)))";
  // FLOPs per element of the exact form (the tanh form is about the same).
  static constexpr unsigned kForwardFlops = 5;
  static constexpr unsigned kBackpropFlops = 10;
  static constexpr std::array<std::string_view, 1> kAttributes{"approximate"};
  static constexpr double kCubic = 0.044715;
  double approximate = 0;  // 1: the tanh form

  GeluKernel() = default;
  explicit GeluKernel(GeluApproximation a) : approximate(a == GeluApproximation::tanh ? 1 : 0) {}
  explicit GeluKernel(const Attributes& a) : approximate(a.get_or("approximate", 0)) {}
  Attributes attributes() const { return {{"approximate", approximate}}; }
  std::optional<std::string> problem() const {
    if (approximate == 0 || approximate == 1)
      return std::nullopt;
    return fmt::format("attribute approximate must be 0 (the erf form) or 1 (tanh), got {}",
                       approximate);
  }

  template <class T, class X>
  static auto tanh_argument(const X& x) {
    const T root_two_over_pi = std::numbers::sqrt2_v<T> * std::numbers::inv_sqrtpi_v<T>;
    return root_two_over_pi * (x + T(kCubic) * (x * x * x));
  }

  template <class T, class X>
  static auto normal_cdf(const X& x) {
    const T inverse_root_two = T(1) / std::numbers::sqrt2_v<T>;
    if constexpr (is_var_v<X>) {
      return T(0.5) * (T(1) + erf(x * inverse_root_two));  // for the recorded gradient
    } else {
      return T(0.5) * math::erfc(-x * inverse_root_two);
    }
  }

  template <class T, class X>
  auto value(const X& x) const {
    if (approximate == 1)
      return T(0.5) * x * (T(1) + math::tanh(tanh_argument<T>(x)));
    return x * normal_cdf<T>(x);
  }
  template <class T, class X, class Y, class G>
  auto grad(const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    if (approximate == 1) {
      const T root_two_over_pi = std::numbers::sqrt2_v<T> * std::numbers::inv_sqrtpi_v<T>;
      const auto t = math::tanh(tanh_argument<T>(x));
      const auto du = root_two_over_pi * (T(1) + T(3 * kCubic) * (x * x));
      return g * (T(0.5) * (T(1) + t) + T(0.5) * x * ((T(1) - t * t) * du));
    }
    const T inverse_root_two_pi = T(0.5) * std::numbers::inv_sqrtpi_v<T> * std::numbers::sqrt2_v<T>;
    const auto density = inverse_root_two_pi * math::exp(T(-0.5) * (x * x));
    return g * (normal_cdf<T>(x) + x * density);
  }
};

template <class T>
using GeluOp = UnaryElementwise<T, GeluKernel>;

[[maybe_unused]] const bool gelu_registered = register_builtin<GeluOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> gelu(Var<T> x, GeluApproximation approximation) {
  return ops::record_with<ops::GeluOp<T>>({x}, ops::GeluKernel(approximation));
}

template Var<float> gelu(Var<float>, GeluApproximation);
template Var<double> gelu(Var<double>, GeluApproximation);

}  // namespace tapegrad
