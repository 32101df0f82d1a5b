// Fused: x is (…, in) — (in,), (batch, in), (batch, time, in), … — W is
// (out, in), b is (out,) and optional. The leading axes of x are flattened
// into the rows of one matrix (row-major, they already are), so forward is
// one GEMM plus a bias row added to every row, and backprop is ∂x = g · W,
// ∂W = gᵀ · x (two GEMMs) and ∂b = Σ_rows g, whatever x's rank.
//
// linear_relu is the same with a ReLU inside: the bias and the clamp are one
// pass over the GEMM's output, and backprop masks g by y > 0 in the pass that
// sums it for ∂b, so relu's own passes over the output and over its gradient
// (and the tensor between the two ops) are gone.
#include <algorithm>
#include <utility>

#include <xtensor/xoperation.hpp>

#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/linalg.hpp"
#include "tapegrad/ops/reductions.hpp"
#include "tapegrad/ops/shape.hpp"
#include "tensor/blas.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct LinearDims {
  std::size_t batch, in, out;
};

/// The rows of x (…, in): the product of its leading extents.
std::size_t rows_of(const Shape& x) {
  std::size_t rows = 1;
  for (std::size_t k = 0; k + 1 < x.size(); ++k)
    rows *= x[k];
  return rows;
}

/// What the op applies after x · Wᵀ + b.
enum class After { nothing, relu };

/// y = max(y + b, 0) on every row (b may be null), in place. NaN gives 0, as relu's does.
template <class T>
void add_bias_and_clamp(T* y, const T* bias, const LinearDims& d) {
  for (std::size_t r = 0; r < d.batch; ++r) {
    T* row = y + r * d.out;
    if (bias != nullptr) {
      for (std::size_t j = 0; j < d.out; ++j) {
        const T v = row[j] + bias[j];
        row[j] = v > T(0) ? v : T(0);
      }
    } else {
      for (std::size_t j = 0; j < d.out; ++j)
        row[j] = row[j] > T(0) ? row[j] : T(0);
    }
  }
}

template <class T, After kAfter>
class LinearOp final : public OpBase<LinearOp<T, kAfter>, T> {
  static constexpr bool kRelu = kAfter == After::relu;

 public:
  static constexpr std::string_view kName = kRelu ? "linear_relu" : "linear";
  static constexpr int kArity = Operation<T>::kVariadic;  // (x, W) or (x, W, b)
  static constexpr std::string_view kFormula = kRelu ? "y = max(x · Wᵀ + b, 0)" : "y = x · Wᵀ + b";

  void forward(ForwardContext<T>& ctx) const override {
    const LinearDims d = dims(ctx);
    const Tensor<T>& x = ctx.input(0);
    Shape out_shape = x.shape();
    out_shape.back() = d.out;
    Tensor<T>& y = ctx.output(out_shape);
    T* out = y.data();
    const T* bias = ctx.input_count() == 3 ? ctx.input(2).data() : nullptr;
    if (!kRelu && bias != nullptr) {
      for (std::size_t r = 0; r < d.batch; ++r)
        std::copy(bias, bias + d.out, out + r * d.out);
    }
    const T beta = !kRelu && bias != nullptr ? T(1) : T(0);  // keep the bias rows
    blas::gemm<T>(false, true, d.batch, d.out, d.in, T(1), x.data(), d.in, ctx.input(1).data(),
                  d.in, beta, out, d.out);
    if constexpr (kRelu)
      add_bias_and_clamp(out, bias, d);
  }

  /// ẏ = ẋ·Wᵀ + x·Ẇᵀ + ḃ: the forward's GEMM on each tangent (then masked
  /// by y > 0 for linear_relu).
  bool tangent(TangentContext<T>& ctx) const override {
    const LinearDims d = dims(ctx);
    T* out = ctx.output_tangent().data();
    const std::size_t n = d.batch * d.out;
    T beta = T(0);
    if (ctx.input_count() == 3 && ctx.has_tangent(2)) {
      const T* db = ctx.tangent(2).data();
      for (std::size_t r = 0; r < d.batch; ++r)
        std::copy(db, db + d.out, out + r * d.out);
      beta = T(1);
    }
    if (ctx.has_tangent(0)) {
      blas::gemm<T>(false, true, d.batch, d.out, d.in, T(1), ctx.tangent(0).data(), d.in,
                    ctx.input(1).data(), d.in, beta, out, d.out);
      beta = T(1);
    }
    if (ctx.has_tangent(1)) {
      blas::gemm<T>(false, true, d.batch, d.out, d.in, T(1), ctx.input(0).data(), d.in,
                    ctx.tangent(1).data(), d.in, beta, out, d.out);
      beta = T(1);
    }
    if (beta == T(0)) {
      std::fill(out, out + n, T(0));
    } else if constexpr (kRelu) {
      const T* y = ctx.output().data();
      for (std::size_t k = 0; k < n; ++k)
        out[k] = y[k] > T(0) ? out[k] : T(0);
    }
    return true;
  }

  /// Forward: one GEMM (2·batch·in·out) plus the bias added to every row;
  /// backprop: a GEMM for ∂x and for ∂W, a column sum for ∂b. linear_relu
  /// adds a FLOP per output forward (the clamp) and backprop (the mask, which
  /// reads y and writes the masked g).
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const Shape& x = query.inputs[0];
    const Shape& w = query.inputs[1];
    const bool has_bias = query.inputs.size() == 3;
    const std::uint64_t in = x.empty() ? 0 : x.back();
    const std::uint64_t batch = rows_of(x);
    const std::uint64_t out = w.empty() ? 0 : w[0];
    const std::uint64_t gemm = 2 * batch * in * out;
    const std::uint64_t gemm_bytes = bytes_of<T>(batch * in + out * in + batch * out);
    OpCost cost{gemm + (has_bias ? batch * out : 0), gemm_bytes + (has_bias ? bytes_of<T>(out) : 0),
                0, 0};
    for (std::size_t i = 0; i < 2; ++i) {
      if (query.needs(i)) {
        cost.backprop_flops += gemm;
        cost.backprop_bytes += gemm_bytes;
      }
    }
    if (has_bias && query.needs(2)) {
      cost.backprop_flops += batch * out;
      cost.backprop_bytes += bytes_of<T>(batch * out + out);
    }
    if constexpr (kRelu) {
      cost.forward_flops += batch * out;
      if (query.needs(0) || query.needs(1) || (has_bias && query.needs(2))) {
        cost.backprop_flops += batch * out;
        cost.backprop_bytes += bytes_of<T>(2 * batch * out);
      }
    }
    return cost;
  }

  /// The same recorded; x and g of rank > 2 are seen as their rows
  /// (reshape), so ∂W is one product whatever x's rank. linear_relu first
  /// multiplies g by the step y > 0, a constant (its own derivative is zero
  /// almost everywhere, as for relu).
  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    Var<T> x = ctx.input(0);
    Var<T> g = ctx.grad_output();
    if constexpr (kRelu) {
      Tensor<T> step = xt::where(ctx.output().value() > T(0), T(1), T(0));
      g = g * g.tape()->constant(std::move(step), "relu'");
    }
    if (ctx.needs_grad(0))
      ctx.accumulate(0, matmul(g, ctx.input(1)));
    if (x.rank() > 2) {
      const std::size_t rows = rows_of(x.shape());
      x = reshape(x, Shape{rows, x.shape().back()});
      g = reshape(g, Shape{rows, g.shape().back()});
    }
    const bool batch = x.rank() == 2;
    if (ctx.needs_grad(1))
      ctx.accumulate(1, batch ? matmul(g, x, Transpose::a) : outer(g, x));
    if (ctx.input_count() == 3 && ctx.needs_grad(2))
      ctx.accumulate(2, batch ? sum(g, 0) : g);
  }

  void backprop(BackpropContext<T>& ctx) const override {
    const LinearDims d = dims(ctx);
    const T* g = ctx.grad_output().data();
    // b is not read by backprop, W not after ∂x: their slots may be direct
    // (the SGD update written into them, scale = −α).
    const bool bias_grad = ctx.input_count() == 3 && ctx.needs_grad(2);
    T* bias_out = nullptr;
    T bias_scale = T(1);
    if (bias_grad) {
      GradSlot<T> db = ctx.gradient(2);
      bias_out = db.tensor.data();
      if (db.fresh)
        std::fill(bias_out, bias_out + d.out, T(0));
      if (db.direct)
        bias_scale = ctx.direct_scale(2);
    }
    if constexpr (kRelu) {
      Tensor<T>& masked = ctx.scratch(0, ctx.output().shape());
      mask_and_sum(g, ctx.output().data(), masked.data(), bias_out, bias_scale, d);
      g = masked.data();
    } else if (bias_out != nullptr) {
      for (std::size_t r = 0; r < d.batch; ++r) {
        const T* row = g + r * d.out;
        for (std::size_t j = 0; j < d.out; ++j)
          bias_out[j] += bias_scale * row[j];
      }
    }
    if (ctx.needs_grad(0)) {  // (batch × in) = (batch × out) · (out × in)
      GradSlot<T> dx = ctx.gradient(0);
      blas::gemm<T>(false, false, d.batch, d.in, d.out, T(1), g, d.out, ctx.input(1).data(), d.in,
                    dx.fresh ? T(0) : T(1), dx.tensor.data(), d.in);
    }
    if (ctx.needs_grad(1)) {  // (out × in) = (batch × out)ᵀ · (batch × in)
      GradSlot<T> dw = ctx.gradient(1);
      const T scale = dw.direct ? ctx.direct_scale(1) : T(1);
      blas::gemm<T>(true, false, d.out, d.in, d.batch, scale, g, d.out, ctx.input(0).data(), d.in,
                    dw.fresh ? T(0) : T(1), dw.tensor.data(), d.in);
    }
  }

  bool accepts_direct_update(std::size_t input) const override { return input == 1 || input == 2; }

 private:
  /// masked = g where y > 0, else 0; and bias_out += scale · Σ_rows masked
  /// when bias_out is set — one pass.
  static void mask_and_sum(const T* g, const T* y, T* masked, T* bias_out, T scale,
                           const LinearDims& d) {
    for (std::size_t r = 0; r < d.batch; ++r) {
      const std::size_t at = r * d.out;
      if (bias_out != nullptr) {
        for (std::size_t j = 0; j < d.out; ++j) {
          const T m = y[at + j] > T(0) ? g[at + j] : T(0);
          masked[at + j] = m;
          bias_out[j] += scale * m;
        }
      } else {
        for (std::size_t j = 0; j < d.out; ++j)
          masked[at + j] = y[at + j] > T(0) ? g[at + j] : T(0);
      }
    }
  }

  static LinearDims dims(const detail::NodeView<T>& ctx) {
    if (ctx.input_count() != 2 && ctx.input_count() != 3) {
      throw ValueError("takes 2 or 3 inputs (x, W[, b]), got " + std::to_string(ctx.input_count()),
                       ctx.site());
    }
    if (ctx.input(0).dimension() == 0) {
      throw ShapeError("needs x of shape (…, in), got shape ()", ctx.site());
    }
    require_rank(ctx, 1, {2}, "needs W of shape (out, in)");
    const Shape& x = ctx.input(0).shape();
    const Shape& w = ctx.input(1).shape();
    const LinearDims d{rows_of(x), x.back(), w[0]};
    if (w[1] != d.in) {
      throw ShapeError("x " + shape_to_string(x) + " and W " + shape_to_string(w) +
                           " disagree on the input size",
                       ctx.site());
    }
    if (ctx.input_count() == 3 && ctx.input(2).shape() != Shape{d.out}) {
      throw ShapeError("bias " + shape_to_string(ctx.input(2).shape()) + " must have shape " +
                           shape_to_string(Shape{d.out}) + " for W " + shape_to_string(w),
                       ctx.site());
    }
    return d;
  }
};

template <class T>
using PlainLinearOp = LinearOp<T, After::nothing>;
template <class T>
using LinearReluOp = LinearOp<T, After::relu>;

[[maybe_unused]] const bool linear_registered = register_builtin<PlainLinearOp>();
[[maybe_unused]] const bool linear_relu_registered = register_builtin<LinearReluOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> linear(Var<T> x, Var<T> weight) {
  return ops::record_stateless<ops::PlainLinearOp<T>>(x, weight);
}

template <class T>
Var<T> linear(Var<T> x, Var<T> weight, Var<T> bias) {
  return ops::record_stateless<ops::PlainLinearOp<T>>(x, weight, bias);
}

template <class T>
Var<T> linear_relu(Var<T> x, Var<T> weight) {
  return ops::record_stateless<ops::LinearReluOp<T>>(x, weight);
}

template <class T>
Var<T> linear_relu(Var<T> x, Var<T> weight, Var<T> bias) {
  return ops::record_stateless<ops::LinearReluOp<T>>(x, weight, bias);
}

#define TAPEGRAD_INSTANTIATE_LINEAR(name)                       \
  template Var<float> name(Var<float>, Var<float>);             \
  template Var<double> name(Var<double>, Var<double>);          \
  template Var<float> name(Var<float>, Var<float>, Var<float>); \
  template Var<double> name(Var<double>, Var<double>, Var<double>);
TAPEGRAD_INSTANTIATE_LINEAR(linear)
TAPEGRAD_INSTANTIATE_LINEAR(linear_relu)
#undef TAPEGRAD_INSTANTIATE_LINEAR

}  // namespace tapegrad
