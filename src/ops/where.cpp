// y = a where mask is 1, b where it is 0, broadcasting all three inputs. The
// mask is a constant operand: it gets no gradient; ∂a = g where the mask is
// 1 and ∂b = g where it is 0, each summed back to its input's shape.
#include <cstdint>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <xtensor/xoperation.hpp>

#include "ops/binary_elementwise.hpp"
#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/comparisons.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class WhereOp final : public OpBase<WhereOp<T>, T> {
 public:
  static constexpr std::string_view kName = "where";
  static constexpr int kArity = 3;
  static constexpr std::string_view kFormula = "y = mask ? a : b (mask of 0/1, a constant)";

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& mask = ctx.input(0);
    const Tensor<T>& a = ctx.input(1);
    const Tensor<T>& b = ctx.input(2);
    check_mask(ctx, mask);
    std::optional<Shape> shape = broadcast_shapes(a.shape(), b.shape());
    if (shape)
      shape = broadcast_shapes(mask.shape(), *shape);
    if (!shape) {
      throw ShapeError("cannot broadcast mask " + shape_to_string(mask.shape()) + ", a " +
                           shape_to_string(a.shape()) + " and b " + shape_to_string(b.shape()),
                       ctx.site());
    }
    xt::noalias(ctx.output(*shape)) = xt::where(xt::equal(mask, T(1)), a, b);
  }

  /// Linear in a and b: ẏ = mask ⊙ ȧ + (1 − mask) ⊙ ḃ (the mask, checked to
  /// hold only 0 and 1 when recorded, has no tangent).
  bool tangent(TangentContext<T>& ctx) const override {
    const Tensor<T>& mask = ctx.input(0);
    const Shape& shape = ctx.output().shape();
    if (ctx.has_tangent(1))
      ctx.accumulate(xt::broadcast(mask, shape) * xt::broadcast(ctx.tangent(1), shape));
    if (ctx.has_tangent(2))
      ctx.accumulate((T(1) - xt::broadcast(mask, shape)) * xt::broadcast(ctx.tangent(2), shape));
    return true;
  }

  bool scalar_forward(const T* in, T& y) const override {
    if (in[0] != T(0) && in[0] != T(1))
      return false;  // forward() raises the error, naming the node
    y = in[0] == T(1) ? in[1] : in[2];
    return true;
  }
  void scalar_backprop(const T* in, T, T g, T* d) const override {
    d[0] = T(0);
    d[1] = in[0] == T(1) ? g : T(0);
    d[2] = in[0] == T(1) ? T(0) : g;
  }

  void backprop(BackpropContext<T>& ctx) const override {
    const Tensor<T>& mask = ctx.input(0);
    const Tensor<T>& g = ctx.grad_output();
    if (ctx.needs_grad(1))
      send_reduced(ctx, 1, xt::where(xt::equal(mask, T(1)), g, T(0)));
    if (ctx.needs_grad(2))
      send_reduced(ctx, 2, xt::where(xt::equal(mask, T(1)), T(0), g));
  }

  /// where() itself again, with g in place of a or b: differentiable to any order.
  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    const Var<T> mask = ctx.input(0);
    const Var<T> g = ctx.grad_output();
    const Var<T> zero = scalar_like(g, T(0));
    if (ctx.needs_grad(1))
      send_recorded_reduced(ctx, 1, where(mask, g, zero));
    if (ctx.needs_grad(2))
      send_recorded_reduced(ctx, 2, where(mask, zero, g));
  }

  /// Forward: a compare per mask element (the 0/1 check) and a select per
  /// output element. Backprop, per input asked for: a select per element
  /// (reading the mask), summed over broadcast axes.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.output_size();
    const std::uint64_t m = query.input_size(0);
    OpCost cost{n + 2 * m, bytes_of<T>(m + query.input_size(1) + query.input_size(2) + n), 0, 0};
    for (std::size_t i = 1; i <= 2; ++i) {
      if (query.needs(i))
        add_broadcast_gradient_cost<T>(cost, query, i, 1, 1);
    }
    return cost;
  }

 private:
  static void check_mask(const ForwardContext<T>& ctx, const Tensor<T>& mask) {
    for (std::size_t i = 0; i < mask.size(); ++i) {
      const T m = mask.data()[i];
      if (m != T(0) && m != T(1)) {
        throw ValueError(fmt::format("the mask (shape {}) must hold only 0 and 1, got {} at flat "
                                     "index {}; make it with a comparison (greater, equal, …)",
                                     shape_to_string(mask.shape()), m, i),
                         ctx.site());
      }
    }
  }
};

[[maybe_unused]] const bool where_registered = register_builtin<WhereOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> where(Var<T> mask, Var<T> a, Var<T> b) {
  return ops::record_stateless<ops::WhereOp<T>>(mask, a, b);
}

template Var<float> where(Var<float>, Var<float>, Var<float>);
template Var<double> where(Var<double>, Var<double>, Var<double>);

}  // namespace tapegrad
