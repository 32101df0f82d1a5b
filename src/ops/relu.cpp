// Op "relu": y = max(x, 0); dy/dx = 1 where x > 0, else 0.
#include <xtensor/xmath.hpp>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/activations.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct ReluKernel {
  static constexpr std::string_view kName = "relu";

  template <class T, class X>
  auto value(const X& x) const {
    return xt::maximum(x, T(0));
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return xt::where(x > T(0), g, T(0));
  }
};

template <class T>
using ReluOp = UnaryElementwise<T, ReluKernel>;

[[maybe_unused]] const bool registered = register_builtin<ReluOp>("relu", {}, "y = max(x, 0); dy/dx = 1 where x > 0, else 0");

}  // namespace
}  // namespace ops

template <class T>
Var<T> relu(Var<T> x) {
  return ops::record_stateless<ops::ReluOp<T>>({x});
}

template Var<float> relu(Var<float>);
template Var<double> relu(Var<double>);

}  // namespace tapegrad
