// For vectors u (m) and v (n). Backprop: ∂u = g v and ∂v = gᵀ u, both
// matrix-vector products.
#include <algorithm>

#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/gradient_graph.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/linalg.hpp"
#include "tensor/blas.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class OuterOp final : public OpBase<OuterOp<T>, T> {
 public:
  static constexpr std::string_view kName = "outer";
  static constexpr int kArity = 2;
  static constexpr std::string_view kFormula = "y = u vᵀ";

  void forward(ForwardContext<T>& ctx) const override {
    require_rank(ctx, 0, {1}, "needs a vector u");
    require_rank(ctx, 1, {1}, "needs a vector v");
    const Tensor<T>& u = ctx.input(0);
    const Tensor<T>& v = ctx.input(1);
    const std::size_t m = u.size();
    const std::size_t n = v.size();
    T* y = ctx.output(Shape{m, n}).data();
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j)
        y[i * n + j] = u.data()[i] * v.data()[j];
    }
  }

  void backprop(BackpropContext<T>& ctx) const override {
    const Tensor<T>& u = ctx.input(0);
    const Tensor<T>& v = ctx.input(1);
    const std::size_t m = u.size();
    const std::size_t n = v.size();
    const T* g = ctx.grad_output().data();
    if (ctx.needs_grad(0)) {  // (m) = (m × n) · (n)
      GradSlot<T> du = ctx.gradient(0);
      blas::gemm<T>(false, false, m, 1, n, T(1), g, n, v.data(), 1, du.fresh ? T(0) : T(1),
                    du.tensor.data(), 1);
    }
    if (ctx.needs_grad(1)) {  // (n) = (m × n)ᵀ · (m)
      GradSlot<T> dv = ctx.gradient(1);
      blas::gemm<T>(true, false, n, 1, m, T(1), g, n, u.data(), 1, dv.fresh ? T(0) : T(1),
                    dv.tensor.data(), 1);
    }
  }

  /// Bilinear: ẏ = u̇ vᵀ + u v̇ᵀ.
  bool tangent(TangentContext<T>& ctx) const override {
    const Tensor<T>& u = ctx.input(0);
    const Tensor<T>& v = ctx.input(1);
    const std::size_t m = u.size();
    const std::size_t n = v.size();
    const T* du = ctx.tangent_or_null(0);
    const T* dv = ctx.tangent_or_null(1);
    const T* uu = u.data();
    const T* vv = v.data();
    T* dy = ctx.output_tangent().data();
    // One loop per set of present tangents, each row's factors held in
    // registers, so that the inner loops vectorise.
    for (std::size_t i = 0; i < m; ++i) {
      T* row = dy + i * n;
      const T ui = uu[i];
      if (du && dv) {
        const T dui = du[i];
        for (std::size_t j = 0; j < n; ++j)
          row[j] = dui * vv[j] + ui * dv[j];
      } else if (du) {
        const T dui = du[i];
        for (std::size_t j = 0; j < n; ++j)
          row[j] = dui * vv[j];
      } else if (dv) {
        for (std::size_t j = 0; j < n; ++j)
          row[j] = ui * dv[j];
      } else {
        std::fill(row, row + n, T(0));
      }
    }
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    const Var<T> g = ctx.grad_output();
    if (ctx.needs_grad(0))
      ctx.accumulate(0, matmul(g, ctx.input(1)));
    if (ctx.needs_grad(1))
      ctx.accumulate(1, matmul(ctx.input(0), g));
  }

  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t m = query.input_size(0);
    const std::uint64_t n = query.input_size(1);
    OpCost cost{m * n, bytes_of<T>(m + n + m * n), 0, 0};
    for (std::size_t i = 0; i < 2; ++i) {
      if (query.needs(i)) {
        cost.backprop_flops += 2 * m * n;
        cost.backprop_bytes += bytes_of<T>(m * n + m + n);
      }
    }
    return cost;
  }
};

[[maybe_unused]] const bool outer_registered = register_builtin<OuterOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> outer(Var<T> u, Var<T> v) {
  return ops::record_stateless<ops::OuterOp<T>>(u, v);
}

template Var<float> outer(Var<float>, Var<float>);
template Var<double> outer(Var<double>, Var<double>);

}  // namespace tapegrad
