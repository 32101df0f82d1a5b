#pragma once
// The shape shared by add, sub, mul, div, maximum and minimum: numpy
// broadcasting forward, and each input's gradient Kernel::grad_a / grad_b
// (expressions of a, b, the output y and its gradient g) summed back to that
// input's shape. The kernel states the op's name and formula (kName,
// kFormula). The broadcasting forward and the summing back are free
// functions, for the comparisons and where too.

#include <algorithm>
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

/// The common broadcasts seen as a (rows × cols) output: each operand is
/// the whole output, one row repeated over the rows (a bias over a batch:
/// its shape, leading 1s aside, is the output's trailing extents) or one
/// number. Element (r, c) of an operand is then at r·row_step + c·col_step.
struct RowBroadcast {
  struct Operand {
    std::size_t row_step, col_step;
  };
  std::size_t rows, cols;
  Operand a, b;
};

/// std::nullopt for the other broadcasts (a column, rows of two lengths).
inline std::optional<RowBroadcast> row_broadcast(const Shape& a, const Shape& b, const Shape& y) {
  const std::size_t n = shape_size(y);
  std::size_t cols = 0;
  const auto is_row = [&](const Shape& x) {
    std::size_t lead = 0;
    while (lead < x.size() && x[lead] == 1)
      ++lead;
    const std::size_t rank = x.size() - lead;
    return rank <= y.size() && std::equal(x.begin() + lead, x.end(), y.end() - rank);
  };
  enum class Spread { whole, row, single };
  const auto spread = [&](const Shape& x) -> std::optional<Spread> {
    const std::size_t size = shape_size(x);
    if (x == y)
      return Spread::whole;
    if (size == 1)
      return Spread::single;
    if (!is_row(x) || (cols != 0 && cols != size))
      return std::nullopt;
    cols = size;
    return Spread::row;
  };
  const std::optional<Spread> ka = spread(a);
  const std::optional<Spread> kb = spread(b);
  if (!ka || !kb)
    return std::nullopt;
  if (cols == 0)
    cols = n;
  const std::size_t rows = cols == 0 ? 0 : n / cols;
  const auto operand = [&](Spread k) -> RowBroadcast::Operand {
    return {k == Spread::whole ? cols : 0, k == Spread::single ? std::size_t{0} : std::size_t{1}};
  };
  return RowBroadcast{rows, cols, operand(*ka), operand(*kb)};
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
    if (const std::optional<RowBroadcast> l = row_broadcast(a.shape(), b.shape(), y.shape())) {
      tangent_rows(*l, a.data(), b.data(), y.data(), ctx.tangent_or_null(0), ctx.tangent_or_null(1),
                   ctx.output_tangent().data());
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
  /// The tangent rule's plain loops for a row broadcast (or none); a
  /// tangent, when present, is laid out like its operand. One loop per
  /// set of present tangents, so that each is a straight vector loop.
  static void tangent_rows(const RowBroadcast& l, const T* a, const T* b, const T* y, const T* da,
                           const T* db, T* dy) {
    const auto each = [&](const auto& element) {
      for (std::size_t r = 0; r < l.rows; ++r) {
        const std::size_t ia = r * l.a.row_step, ib = r * l.b.row_step, i = r * l.cols;
        for (std::size_t c = 0; c < l.cols; ++c)
          dy[i + c] = element(ia + c * l.a.col_step, ib + c * l.b.col_step, i + c);
      }
    };
    if (da && db) {
      each([&](std::size_t ia, std::size_t ib, std::size_t i) {
        return Kernel::grad_a(a[ia], b[ib], y[i], da[ia]) +
               Kernel::grad_b(a[ia], b[ib], y[i], db[ib]);
      });
    } else if (da) {
      each([&](std::size_t ia, std::size_t ib, std::size_t i) {
        return Kernel::grad_a(a[ia], b[ib], y[i], da[ia]);
      });
    } else if (db) {
      each([&](std::size_t ia, std::size_t ib, std::size_t i) {
        return Kernel::grad_b(a[ia], b[ib], y[i], db[ib]);
      });
    } else {
      std::fill(dy, dy + l.rows * l.cols, T(0));
    }
  }

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
