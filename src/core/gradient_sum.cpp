// Core's own op for recorded gradients (see detail::sum_gradients in
// gradient_graph.hpp): the sum of two contributions of the same shape to
// one gradient. Both inputs' derivatives are the identity, so backprop
// passes g on to each, and the recorded backprop does the same with Vars.
#include <optional>

#include <xtensor/xnoalias.hpp>

#include "tapegrad/core/gradient_graph.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/tangent.hpp"

namespace tapegrad {
namespace {

template <class T>
class GradientSum final : public OpBase<GradientSum<T>, T> {
 public:
  static constexpr std::string_view kName = "gradient_sum";
  static constexpr int kArity = 2;
  static constexpr std::string_view kFormula = "y = a + b (two contributions to one gradient)";

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& a = ctx.input(0);
    const Tensor<T>& b = ctx.input(1);
    if (a.shape() != b.shape()) {
      throw ShapeError("contributions of shapes " + shape_to_string(a.shape()) + " and " +
                           shape_to_string(b.shape()) + " cannot be summed",
                       ctx.site());
    }
    xt::noalias(ctx.output(a.shape())) = a + b;
  }

  void backprop(BackpropContext<T>& ctx) const override {
    for (std::size_t i = 0; i < 2; ++i) {
      if (ctx.needs_grad(i))
        ctx.accumulate(i, ctx.grad_output());
    }
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    for (std::size_t i = 0; i < 2; ++i) {
      if (ctx.needs_grad(i))
        ctx.accumulate(i, ctx.grad_output());
    }
  }

  bool tangent(TangentContext<T>& ctx) const override {
    for (std::size_t i = 0; i < 2; ++i) {
      if (ctx.has_tangent(i))
        ctx.accumulate(ctx.tangent(i));
    }
    return true;
  }

  /// One add per element, reading a and b and writing y; backprop reads g
  /// and writes each input's gradient.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.output_size();
    OpCost cost{n, 3 * n * sizeof(T), 0, 0};
    for (std::size_t i = 0; i < 2; ++i) {
      if (query.needs(i))
        cost.backprop_bytes += 2 * n * sizeof(T);
    }
    return cost;
  }
};

}  // namespace

namespace detail {

template <class T>
Var<T> sum_gradients(Var<T> a, Var<T> b) {
  static const GradientSum<T> op;
  return a.tape()->record(op, {a, b});
}

template Var<float> sum_gradients(Var<float>, Var<float>);
template Var<double> sum_gradients(Var<double>, Var<double>);

}  // namespace detail
}  // namespace tapegrad
