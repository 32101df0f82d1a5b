#pragma once
// The shape shared by every elementwise op of one input: forward evaluates
// Kernel::value(x) into the output buffer; backprop adds
// Kernel::grad(x, y, g) (input x, output y, gradient g). Kernels are written
// once, generically: the same code runs on a whole tensor (an xtensor
// expression, vectorised) and on one element (a plain number), which is
// how tiny tensors — rank-0 scalars above all — skip xtensor's per-call
// machinery. A kernel with attributes (pow's exponent) is built from
// Attributes and reports them back; a stateless one is an empty struct.

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <xtensor/xmath.hpp>

#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad::ops {

/// Math functions usable on a number, an xtensor expression and a Var: the
/// overload set of std::, xt:: and tapegrad:: (overload resolution picks the
/// one for the argument). Kernels call math::exp(x) and work at every
/// granularity, and their grad() written once also serves as the recorded,
/// differentiable backprop when given Vars.
namespace math {
using std::cos;
using std::exp;
using std::log;
using std::sin;
using std::sqrt;
using std::tanh;
using tapegrad::cos;
using tapegrad::exp;
using tapegrad::log;
using tapegrad::sin;
using tapegrad::sqrt;
using tapegrad::tanh;
using xt::cos;
using xt::exp;
using xt::log;
using xt::sin;
using xt::sqrt;
using xt::tanh;
}  // namespace math

/// Tensors at most this large are computed element by element with plain
/// scalar code: for them xtensor's assignment setup costs more than the math.
inline constexpr std::size_t kScalarPathSize = 16;

template <class T, class Kernel>
class UnaryElementwise final : public Operation<T> {
 public:
  static constexpr int kArity = 1;

  UnaryElementwise() = default;
  explicit UnaryElementwise(Kernel kernel) : kernel_(kernel) {}
  template <class K = Kernel,
            class = std::enable_if_t<std::is_constructible_v<K, const Attributes&>>>
  explicit UnaryElementwise(const Attributes& a) : kernel_(a) {}

  std::string_view name() const override { return Kernel::kName; }
  int arity() const override { return kArity; }

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    Tensor<T>& y = ctx.output(x.shape());
    const std::size_t n = x.size();
    if (n <= kScalarPathSize) {
      for (std::size_t i = 0; i < n; ++i)
        y.data()[i] = kernel_.template value<T>(x.data()[i]);
      return;
    }
    xt::noalias(y) = kernel_.template value<T>(x);
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& x = ctx.input(0);
    const Tensor<T>& y = ctx.output();
    const Tensor<T>& g = ctx.grad_output();
    const std::size_t n = x.size();
    if (n <= kScalarPathSize) {
      GradSlot<T> dx = ctx.gradient(0);
      for (std::size_t i = 0; i < n; ++i) {
        dx.add(i, kernel_.template grad<T>(x.data()[i], y.data()[i], g.data()[i]));
      }
      return;
    }
    ctx.accumulate(0, kernel_.template grad<T>(x, y, g));
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, kernel_.template grad<T>(ctx.input(0), ctx.output(), ctx.grad_output()));
  }

  std::optional<OpCost> cost(const CostQuery& query) const override {
    return unary_elementwise_cost<T>(query, Kernel::kForwardFlops, Kernel::kBackpropFlops);
  }
  std::string formula() const override { return std::string(Kernel::kFormula); }

  Attributes attributes() const override {
    if constexpr (std::is_constructible_v<Kernel, const Attributes&>) {
      return kernel_.attributes();
    } else {
      return {};
    }
  }

 private:
  Kernel kernel_{};
};

}  // namespace tapegrad::ops
