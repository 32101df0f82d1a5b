// Through GEMM, vectors taken as a 1-row (left) or 1-column (right) matrix.
// Backprop: ∂a = g · bᵀ and ∂b = aᵀ · g, with the transposes passed to GEMM
// as flags.
#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/linalg.hpp"
#include "tensor/blas.hpp"

namespace tapegrad {
namespace ops {
namespace {

/// The (m × k) · (k × n) problem behind a matmul of these two shapes.
struct Dims {
  std::size_t m, k, n;
};

template <class T>
class MatmulOp final : public OpBase<MatmulOp<T>, T> {
 public:
  static constexpr std::string_view kName = "matmul";
  static constexpr int kArity = 2;
  static constexpr std::string_view kFormula = "y = a · b";

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& a = ctx.input(0);
    const Tensor<T>& b = ctx.input(1);
    const Dims d = dims(ctx);
    Shape out_shape;
    if (a.dimension() == 2)
      out_shape.push_back(d.m);
    if (b.dimension() == 2)
      out_shape.push_back(d.n);
    Tensor<T>& y = ctx.output(out_shape);
    gemm(false, false, d.m, d.n, d.k, a.data(), b.data(), T(0), y.data());
  }

  std::optional<OpCost> cost(const CostQuery& query) const override {
    const Shape& a = query.inputs[0];
    const Shape& b = query.inputs[1];
    const std::uint64_t m = a.size() == 2 ? a[0] : 1;
    const std::uint64_t k = a.empty() ? 0 : a.back();
    const std::uint64_t n = b.size() == 2 ? b[1] : 1;
    const std::uint64_t flops = 2 * m * k * n;
    const std::uint64_t bytes = bytes_of<T>(m * k + k * n + m * n);  // each GEMM touches all three
    OpCost cost{flops, bytes, 0, 0};
    for (std::size_t i = 0; i < 2; ++i) {
      if (query.needs(i)) {
        cost.backprop_flops += flops;
        cost.backprop_bytes += bytes;
      }
    }
    return cost;
  }

  /// ∂a = g · bᵀ and ∂b = aᵀ · g recorded, with the vector cases spelt out
  /// (a vector times a vector is a dot product; a matrix-vector gradient is
  /// an outer product).
  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    const Var<T> a = ctx.input(0);
    const Var<T> b = ctx.input(1);
    const Var<T> g = ctx.grad_output();
    const bool a_matrix = a.rank() == 2;
    const bool b_matrix = b.rank() == 2;
    if (ctx.needs_grad(0)) {
      ctx.accumulate(0, a_matrix ? (b_matrix ? matmul(g, transpose(b)) : outer(g, b))
                                 : (b_matrix ? matmul(b, g) : g * b));
    }
    if (ctx.needs_grad(1)) {
      ctx.accumulate(1, b_matrix ? (a_matrix ? matmul(transpose(a), g) : outer(a, g))
                                 : (a_matrix ? matmul(transpose(a), g) : g * a));
    }
  }

  void backprop(BackpropContext<T>& ctx) const override {
    const Tensor<T>& a = ctx.input(0);
    const Tensor<T>& b = ctx.input(1);
    const T* g = ctx.grad_output().data();
    const Dims d = dims(ctx);
    if (ctx.needs_grad(0)) {  // (m × k) = (m × n) · (k × n)ᵀ
      GradSlot<T> da = ctx.gradient(0);
      gemm_into(da, false, true, d.m, d.k, d.n, g, b.data());
    }
    if (ctx.needs_grad(1)) {  // (k × n) = (m × k)ᵀ · (m × n)
      GradSlot<T> db = ctx.gradient(1);
      gemm_into(db, true, false, d.k, d.n, d.m, a.data(), g);
    }
  }

 private:
  static Dims dims(const detail::NodeView<T>& ctx) {
    require_rank(ctx, 0, {1, 2}, "needs a vector or matrix on the left");
    require_rank(ctx, 1, {1, 2}, "needs a vector or matrix on the right");
    const Shape& a = ctx.input(0).shape();
    const Shape& b = ctx.input(1).shape();
    const Dims d{a.size() == 2 ? a[0] : 1, a.back(), b.size() == 2 ? b[1] : 1};
    if (b[0] != d.k) {
      throw ShapeError(
          "inner dimensions differ: " + shape_to_string(a) + " · " + shape_to_string(b),
          ctx.site());
    }
    return d;
  }

  /// C (m × n) = A (m × k, or its transpose) · B (k × n, or its transpose) + beta C.
  static void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, const T* a,
                   const T* b, T beta, T* c) {
    // Row lengths as stored: A is m×k (k×m when transposed), B is k×n (n×k).
    blas::gemm<T>(ta, tb, m, n, k, T(1), a, ta ? m : k, b, tb ? k : n, beta, c, n);
  }

  static void gemm_into(GradSlot<T>& target, bool ta, bool tb, std::size_t m, std::size_t n,
                        std::size_t k, const T* a, const T* b) {
    gemm(ta, tb, m, n, k, a, b, target.fresh ? T(0) : T(1), target.tensor.data());
  }
};

[[maybe_unused]] const bool registered = register_builtin<MatmulOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> matmul(Var<T> a, Var<T> b) {
  return ops::record_stateless<ops::MatmulOp<T>>({a, b});
}

template Var<float> matmul(Var<float>, Var<float>);
template Var<double> matmul(Var<double>, Var<double>);

}  // namespace tapegrad
