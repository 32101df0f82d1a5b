// dy/dx = 1 where lo ≤ x ≤ hi (at a bound too, as PyTorch), 0 outside.
// A bound left out is ±inf.
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <xtensor/xoperation.hpp>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct ClampKernel {
  static constexpr std::string_view kName = "clamp";
  static constexpr std::string_view kFormula = "y = min(max(x, lo), hi)";
  static constexpr unsigned kForwardFlops = 2;
  static constexpr unsigned kBackpropFlops = 2;
  static constexpr std::array<std::string_view, 2> kAttributes{"lo", "hi"};
  std::optional<double> lo, hi;

  ClampKernel() = default;
  ClampKernel(std::optional<double> low, std::optional<double> high) : lo(low), hi(high) {}
  explicit ClampKernel(const Attributes& a) {
    if (const double* value = a.find("lo"))
      lo = *value;
    if (const double* value = a.find("hi"))
      hi = *value;
  }
  Attributes attributes() const {
    Attributes a;
    if (lo)
      a.set("lo", *lo);
    if (hi)
      a.set("hi", *hi);
    return a;
  }
  std::optional<std::string> problem() const {
    if (!lo && !hi)
      return "needs a lower bound lo, an upper bound hi, or both";
    if ((lo && std::isnan(*lo)) || (hi && std::isnan(*hi)))
      return fmt::format("a bound is NaN (lo {}, hi {})", lo.value_or(-INFINITY),
                         hi.value_or(INFINITY));
    if (lo && hi && *lo > *hi)
      return fmt::format("lo {} is greater than hi {}", *lo, *hi);
    return std::nullopt;
  }

  template <class T>
  T low() const {
    return lo ? T(*lo) : -std::numeric_limits<T>::infinity();
  }
  template <class T>
  T high() const {
    return hi ? T(*hi) : std::numeric_limits<T>::infinity();
  }

  template <class T, class X>
  auto value(const X& x) const {
    return math::select(x < X(low<T>()), X(low<T>()),
                        math::select(x > X(high<T>()), X(high<T>()), x));
  }
  template <class T, class X, class Y, class G>
  auto grad(const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    if constexpr (is_var_v<X>) {
      // A piecewise constant derivative: a constant, its own derivative is 0.
      Tensor<T> inside =
          xt::where(x.value() < low<T>(), T(0), xt::where(x.value() > high<T>(), T(0), T(1)));
      return g * x.tape()->constant(std::move(inside), "lo ≤ x ≤ hi");
    } else {
      return math::select(x < X(low<T>()), G(0), math::select(x > X(high<T>()), G(0), g));
    }
  }
};

template <class T>
using ClampOp = UnaryElementwise<T, ClampKernel>;

[[maybe_unused]] const bool clamp_registered = register_builtin<ClampOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> clamp(Var<T> x, std::optional<detail::identity_t<T>> lo,
             std::optional<detail::identity_t<T>> hi) {
  const auto widen = [](std::optional<T> bound) -> std::optional<double> {
    if (bound)
      return static_cast<double>(*bound);
    return std::nullopt;
  };
  return ops::record_with<ops::ClampOp<T>>({x}, ops::ClampKernel(widen(lo), widen(hi)));
}

template Var<float> clamp(Var<float>, std::optional<float>, std::optional<float>);
template Var<double> clamp(Var<double>, std::optional<double>, std::optional<double>);

}  // namespace tapegrad
