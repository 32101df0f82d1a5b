#pragma once
// y = 2x under a name each test plugin chooses, so that every plugin brings
// ops of its own: Doubling<Name>::Op, with Name::value the registered name.

#include <string_view>

#include <tapegrad/tapegrad.hpp>

namespace test_plugins {

template <class Name>
struct Doubling {
  template <class T>
  class Op final : public tapegrad::OpBase<Op<T>, T> {
   public:
    static constexpr std::string_view kName = Name::value;
    static constexpr int kArity = 1;
    static constexpr std::string_view kFormula = "y = 2x";

    void forward(tapegrad::ForwardContext<T>& ctx) const override {
      xt::noalias(ctx.output(ctx.input(0).shape())) = T(2) * ctx.input(0);
    }
    void backprop(tapegrad::BackpropContext<T>& ctx) const override {
      if (ctx.needs_grad(0))
        ctx.accumulate(0, T(2) * ctx.grad_output());
    }
  };
};

}  // namespace test_plugins
