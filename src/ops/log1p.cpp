// dy/dx = 1 / (1 + x); accurate where x is tiny, unlike log(1 + x).
#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct Log1pKernel {
  static constexpr std::string_view kName = "log1p";
  static constexpr std::string_view kFormula = "y = log(1 + x)";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 2;

  template <class T, class X>
  auto value(const X& x) const {
    return math::log1p(x);
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return g / (T(1) + x);
  }
};

template <class T>
using Log1pOp = UnaryElementwise<T, Log1pKernel>;

[[maybe_unused]] const bool log1p_registered = register_builtin<Log1pOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> log1p(Var<T> x) {
  return ops::record_stateless<ops::Log1pOp<T>>(x);
}

template Var<float> log1p(Var<float>);
template Var<double> log1p(Var<double>);

}  // namespace tapegrad
