// Op "log": y = ln(x); dy/dx = 1 / x.
#include <xtensor/xmath.hpp>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct LogKernel {
  static constexpr std::string_view kName = "log";
  static constexpr std::string_view kFormula = "y = log(x)";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 1;

  template <class T, class X>
  auto value(const X& x) const {
    return math::log(x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g / x;
  }
};

template <class T>
using LogOp = UnaryElementwise<T, LogKernel>;

[[maybe_unused]] const bool registered =
    register_builtin<LogOp>("log", {}, "y = ln(x); dy/dx = 1 / x");

}  // namespace
}  // namespace ops

template <class T>
Var<T> log(Var<T> x) {
  return ops::record_stateless<ops::LogOp<T>>({x});
}

template Var<float> log(Var<float>);
template Var<double> log(Var<double>);

}  // namespace tapegrad
