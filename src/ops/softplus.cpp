// y = log(1 + exp(βx)) / β, dy/dx = σ(βx); above the threshold (βx >
// threshold) y = x and dy/dx = 1, as PyTorch: exp(βx) never overflows, and
// large inputs come back exactly.
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <xtensor/xoperation.hpp>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/comparisons.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct SoftplusKernel {
  static constexpr std::string_view kName = "softplus";
  static constexpr std::string_view kFormula =
      "y = log(1 + exp(beta·x)) / beta; x where beta·x > threshold";
  static constexpr unsigned kForwardFlops = 5;
  static constexpr unsigned kBackpropFlops = 6;
  static constexpr std::array<std::string_view, 2> kAttributes{"beta", "threshold"};
  double beta = 1;
  double threshold = 20;

  SoftplusKernel() = default;
  SoftplusKernel(double b, double t) : beta(b), threshold(t) {}
  explicit SoftplusKernel(const Attributes& a)
      : beta(a.get_or("beta", 1.0)), threshold(a.get_or("threshold", 20.0)) {}
  Attributes attributes() const { return {{"beta", beta}, {"threshold", threshold}}; }
  std::optional<std::string> problem() const {
    if (beta > 0 && std::isfinite(beta) && !std::isnan(threshold))
      return std::nullopt;
    return fmt::format(
        "attribute beta must be finite and > 0 and threshold a number, got beta {} and threshold "
        "{}",
        beta, threshold);
  }

  template <class T, class X>
  auto value(const X& x) const {
    const auto z = T(beta) * x;
    // Below the threshold exp(z) is finite; above it, log1p(exp(z)) = z to
    // within exp(−threshold) relatively (the lanes not taken may overflow).
    return math::select(z > X(T(threshold)), x, math::log1p(math::exp(z)) / T(beta));
  }
  template <class T, class X, class Y, class G>
  auto grad(const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    if constexpr (is_var_v<X>) {
      Tensor<T> linear = xt::where(T(beta) * x.value() > T(threshold), T(1), T(0));
      const Var<T> above = x.tape()->constant(std::move(linear), "beta·x > threshold");
      return g * where(above, scalar_like(x, T(1)), sigmoid(T(beta) * x));
    } else {
      const auto z = T(beta) * x;
      return math::select(z > X(T(threshold)), g, g / (T(1) + math::exp(-z)));
    }
  }
};

template <class T>
using SoftplusOp = UnaryElementwise<T, SoftplusKernel>;

[[maybe_unused]] const bool softplus_registered = register_builtin<SoftplusOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> softplus(Var<T> x, detail::identity_t<T> beta, detail::identity_t<T> threshold) {
  return ops::record_with<ops::SoftplusOp<T>>(
      {x}, ops::SoftplusKernel(static_cast<double>(beta), static_cast<double>(threshold)));
}

template Var<float> softplus(Var<float>, float, float);
template Var<double> softplus(Var<double>, double, double);

}  // namespace tapegrad
