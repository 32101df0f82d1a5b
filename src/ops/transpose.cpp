// Swaps a matrix's axes (a vector or scalar passes through). This
// materialises the result; matmul and linear never need it, since they hand
// transposes to GEMM as flags.
#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/linalg.hpp"

namespace tapegrad {
namespace ops {
namespace {

/// out (cols × rows) = in (rows × cols)ᵀ, added to out when `accumulate`.
template <class T>
void transpose_into(const T* in, std::size_t rows, std::size_t cols, T* out, bool accumulate) {
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      T& target = out[c * rows + r];
      target = accumulate ? target + in[r * cols + c] : in[r * cols + c];
    }
  }
}

template <class T>
class TransposeOp final : public OpBase<TransposeOp<T>, T> {
 public:
  static constexpr std::string_view kName = "transpose";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = xᵀ";

  void forward(ForwardContext<T>& ctx) const override {
    require_rank(ctx, 0, {0, 1, 2}, "needs a scalar, vector or matrix");
    const Tensor<T>& x = ctx.input(0);
    Shape shape = x.shape();
    std::reverse(shape.begin(), shape.end());
    Tensor<T>& y = ctx.output(shape);
    const auto [rows, cols] = extents(x.shape());
    transpose_into(x.data(), rows, cols, y.data(), false);
  }

  /// Linear: ẏ is ẋ transposed.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0)) {
      const auto [rows, cols] = extents(ctx.input(0).shape());
      transpose_into(ctx.tangent(0).data(), rows, cols, ctx.output_tangent().data(), false);
    }
    return true;
  }

  /// A copy: no arithmetic, every element read and written once per pass.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t n = query.output_size();
    return OpCost{0, bytes_of<T>(2 * n), 0, query.needs(0) ? bytes_of<T>(2 * n) : 0};
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, transpose(ctx.grad_output()));
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& g = ctx.grad_output();
    GradSlot<T> dx = ctx.gradient(0);
    const auto [rows, cols] = extents(g.shape());
    transpose_into(g.data(), rows, cols, dx.tensor.data(), !dx.fresh);
  }

 private:
  static std::pair<std::size_t, std::size_t> extents(const Shape& s) {
    return s.size() == 2 ? std::pair{s[0], s[1]} : std::pair{std::size_t{1}, shape_size(s)};
  }
};

[[maybe_unused]] const bool transpose_registered = register_builtin<TransposeOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> transpose(Var<T> x) {
  return ops::record_stateless<ops::TransposeOp<T>>(x);
}

template Var<float> transpose(Var<float>);
template Var<double> transpose(Var<double>);

}  // namespace tapegrad
