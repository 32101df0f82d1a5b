#pragma once
// The shape shared by every elementwise op of one input: forward evaluates
// Kernel::value(x) into the output buffer; backprop adds
// Kernel::grad(x, y, g) (an expression of input x, output y, gradient g).
// A kernel with attributes (pow's exponent) is built from Attributes and
// reports them back; a stateless one is an empty struct.

#include <string_view>
#include <type_traits>

#include "tapegrad/core/operation.hpp"

namespace tapegrad::ops {

template <class T, class Kernel>
class UnaryElementwise final : public Operation<T> {
 public:
  static constexpr int kArity = 1;

  UnaryElementwise() = default;
  explicit UnaryElementwise(Kernel kernel) : kernel_(kernel) {}
  template <class K = Kernel, class = std::enable_if_t<std::is_constructible_v<K, const Attributes&>>>
  explicit UnaryElementwise(const Attributes& a) : kernel_(a) {}

  std::string_view name() const override { return Kernel::kName; }
  int arity() const override { return kArity; }

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = kernel_.template value<T>(x);
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0)) return;
    ctx.accumulate(0, kernel_.template grad<T>(ctx.input(0), ctx.output(), ctx.grad_output()));
  }

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
