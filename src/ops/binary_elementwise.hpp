#pragma once
// The shape shared by add, sub, mul, div, maximum and minimum: numpy
// broadcasting forward, and each input's gradient Kernel::grad_a / grad_b
// (expressions of a, b, the output y and its gradient g) summed back to that
// input's shape. The kernel states the op's name and formula (kName,
// kFormula). The broadcasting forward and the summing back are free
// functions, for the comparisons and where too.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <xtensor/xbroadcast.hpp>

#include "ops/support.hpp"
#include "ops/unary_elementwise.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/shape.hpp"
#include "tapegrad/tensor/broadcast.hpp"

namespace tapegrad::ops {

/// Forward of an op on two inputs with numpy broadcasting: y = value(a, b),
/// where `value` maps two numbers to a number (tiny tensors of one shape go
/// element by element, see unary_elementwise.hpp) and two tensors to an
/// expression. Incompatible shapes are a ShapeError naming both.
template <class T, class F>
void broadcast_forward(ForwardContext<T>& ctx, const F& value) {
  const Tensor<T>& a = ctx.input(0);
  const Tensor<T>& b = ctx.input(1);
  if (a.shape() == b.shape()) {
    Tensor<T>& y = ctx.output(a.shape());
    const std::size_t n = a.size();
    if (n <= kScalarPathSize) {
      for (std::size_t i = 0; i < n; ++i)
        y.data()[i] = value(a.data()[i], b.data()[i]);
      return;
    }
    xt::noalias(y) = value(a, b);
    return;
  }
  const auto shape = broadcast_shapes(a.shape(), b.shape());
  if (!shape) {
    throw ShapeError("cannot broadcast shapes " + shape_to_string(a.shape()) + " and " +
                         shape_to_string(b.shape()),
                     ctx.site());
  }
  xt::noalias(ctx.output(*shape)) = value(a, b);
}

/// Sends a contribution shaped like the output to input i: straight to an
/// input of the same shape; to a broadcast input summed over the stretched
/// axes (through scratch tensor 0).
template <class T, class E>
void send_reduced(BackpropContext<T>& ctx, std::size_t i, const E& contribution) {
  const Shape& out_shape = ctx.output().shape();
  if (ctx.input(i).shape() == out_shape) {
    ctx.accumulate(i, contribution);
    return;
  }
  Tensor<T>& full = ctx.scratch(0, out_shape);
  xt::noalias(full) = contribution;
  ctx.accumulate_reduced(i, full);
}

/// The same for a recorded contribution (a Var shaped like the output).
template <class T>
void send_recorded_reduced(DifferentiableBackpropContext<T>& ctx, std::size_t i,
                           const Var<T>& contribution) {
  const Shape& shape = ctx.input(i).shape();
  ctx.accumulate(i, contribution.shape() == shape ? contribution : sum_to(contribution, shape));
}

template <class T, class Kernel>
class BinaryElementwise final : public OpBase<BinaryElementwise<T, Kernel>, T> {
 public:
  static constexpr std::string_view kName = Kernel::kName;
  static constexpr int kArity = 2;
  static constexpr std::string_view kFormula = Kernel::kFormula;

  void forward(ForwardContext<T>& ctx) const override {
    broadcast_forward(ctx, [](const auto& a, const auto& b) { return Kernel::value(a, b); });
  }

  bool scalar_forward(const T* ab, T& y) const override {
    y = Kernel::value(ab[0], ab[1]);
    return true;
  }
  void scalar_backprop(const T* ab, T y, T g, T* d) const override {
    d[0] = Kernel::grad_a(ab[0], ab[1], y, g);
    d[1] = Kernel::grad_b(ab[0], ab[1], y, g);
  }

  void backprop(BackpropContext<T>& ctx) const override {
    const Tensor<T>& a = ctx.input(0);
    const Tensor<T>& b = ctx.input(1);
    const Tensor<T>& y = ctx.output();
    const Tensor<T>& g = ctx.grad_output();
    if (a.shape() == b.shape() && a.size() <= kScalarPathSize) {
      backprop_elements(ctx, a.data(), b.data(), y.data(), g.data(), a.size());
      return;
    }
    if (ctx.needs_grad(0))
      send_reduced(ctx, 0, Kernel::grad_a(a, b, y, g));
    if (ctx.needs_grad(1))
      send_reduced(ctx, 1, Kernel::grad_b(a, b, y, g));
  }

  // ẏ = (∂y/∂a)·ȧ + (∂y/∂b)·ḃ: grad_a(a, b, y, g) is g·∂y/∂a, so the
  // backprop's kernels with g = the broadcast tangent are the tangent rule.
  bool tangent(TangentContext<T>& ctx) const override {
    const Tensor<T>& a = ctx.input(0);
    const Tensor<T>& b = ctx.input(1);
    const Tensor<T>& y = ctx.output();
    if (a.shape() == b.shape()) {  // no broadcast: one plain loop, as backprop_elements
      const T* da = ctx.has_tangent(0) ? ctx.tangent(0).data() : nullptr;
      const T* db = ctx.has_tangent(1) ? ctx.tangent(1).data() : nullptr;
      T* dy = ctx.output_tangent().data();
      for (std::size_t i = 0, n = y.size(); i < n; ++i) {
        const T ai = a.data()[i], bi = b.data()[i], yi = y.data()[i];
        dy[i] = (da ? Kernel::grad_a(ai, bi, yi, da[i]) : T(0)) +
                (db ? Kernel::grad_b(ai, bi, yi, db[i]) : T(0));
      }
      return true;
    }
    if (ctx.has_tangent(0))
      ctx.accumulate(Kernel::grad_a(a, b, y, xt::broadcast(ctx.tangent(0), y.shape())));
    if (ctx.has_tangent(1))
      ctx.accumulate(Kernel::grad_b(a, b, y, xt::broadcast(ctx.tangent(1), y.shape())));
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    const Var<T> a = ctx.input(0);
    const Var<T> b = ctx.input(1);
    const Var<T> y = ctx.output();
    const Var<T> g = ctx.grad_output();
    if (ctx.needs_grad(0))
      send_recorded_reduced(ctx, 0, Kernel::grad_a(a, b, y, g));
    if (ctx.needs_grad(1))
      send_recorded_reduced(ctx, 1, Kernel::grad_b(a, b, y, g));
  }

  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.output_size();
    OpCost cost{Kernel::kForwardFlops * n,
                bytes_of<T>(query.input_size(0) + query.input_size(1) + n), 0, 0};
    if (query.needs(0))
      add_broadcast_gradient_cost<T>(cost, query, 0, Kernel::kGradAFlops, Kernel::kGradAReads);
    if (query.needs(1))
      add_broadcast_gradient_cost<T>(cost, query, 1, Kernel::kGradBFlops, Kernel::kGradBReads);
    return cost;
  }

 private:
  static void backprop_elements(BackpropContext<T>& ctx, const T* a, const T* b, const T* y,
                                const T* g, std::size_t n) {
    if (ctx.needs_grad(0)) {
      const GradSlot<T> da = ctx.gradient(0);
      for (std::size_t i = 0; i < n; ++i)
        da.add(i, Kernel::grad_a(a[i], b[i], y[i], g[i]));
    }
    if (ctx.needs_grad(1)) {
      const GradSlot<T> db = ctx.gradient(1);
      for (std::size_t i = 0; i < n; ++i)
        db.add(i, Kernel::grad_b(a[i], b[i], y[i], g[i]));
    }
  }
};

}  // namespace tapegrad::ops
