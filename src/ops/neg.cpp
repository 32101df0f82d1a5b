#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct NegKernel {
  static constexpr std::string_view kName = "neg";
  static constexpr std::string_view kFormula = "y = −x";
  static constexpr unsigned kForwardFlops = 1;
  static constexpr unsigned kBackpropFlops = 1;

  template <class T, class X>
  auto value(const X& x) const {
    return -x;
  }
  template <class T, class X, class Y, class G>
  auto grad([[maybe_unused]] const X& x, [[maybe_unused]] const Y& y, const G& g) const {
    return -g;
  }
};

template <class T>
using NegOp = UnaryElementwise<T, NegKernel>;

[[maybe_unused]] const bool neg_registered = register_builtin<NegOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> neg(Var<T> x) {
  return ops::record_stateless<ops::NegOp<T>>(x);
}

template Var<float> neg(Var<float>);
template Var<double> neg(Var<double>);

}  // namespace tapegrad
