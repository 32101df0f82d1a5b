// Through GEMM, vectors taken as a 1-row (left) or 1-column (right) matrix,
// a rank-3 operand as a batch of matrices (batched_gemm.hpp). With
// y = op(a) · op(b), backprop is ∂op(a) = g · op(b)ᵀ and ∂op(b) = op(a)ᵀ · g,
// every transpose passed to GEMM as a flag; a matrix used by every entry of
// a batch gets the sum over the batch.
#include <array>
#include <string>

#include "ops/batched_gemm.hpp"
#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/linalg.hpp"
#include "tapegrad/ops/reductions.hpp"
#include "tapegrad/ops/shape.hpp"

namespace tapegrad {
namespace ops {
namespace {

/// Which operands enter transposed, as the op's two attributes.
struct Flags {
  bool a = false, b = false;

  static Flags of(Transpose t) {
    return {t == Transpose::a || t == Transpose::both, t == Transpose::b || t == Transpose::both};
  }
  Transpose as_enum() const {
    return a ? (b ? Transpose::both : Transpose::a) : (b ? Transpose::b : Transpose::none);
  }
};

/// The problem behind a matmul of two shapes: `batch` products of op(a)
/// (m × k) and op(b) (k × n), and the elements between one operand's batch
/// entries (0 for a matrix or vector shared by the whole batch).
struct Layout {
  ProductDims dims;
  std::size_t a_stride, b_stride, out_stride;
  Shape out_shape;
};

template <class T>
class MatmulOp final : public OpBase<MatmulOp<T>, T> {
 public:
  static constexpr std::string_view kName = "matmul";
  static constexpr int kArity = 2;
  static constexpr std::string_view kFormula = "y = op(a) · op(b), op(x) = x or xᵀ";
  static constexpr std::array<std::string_view, 2> kAttributes{"transpose_a", "transpose_b"};

  explicit MatmulOp(Flags flags = {}) : flags_(flags) {}
  explicit MatmulOp(const Attributes& a)
      : flags_{a.get_or("transpose_a", 0) != 0, a.get_or("transpose_b", 0) != 0} {}

  Attributes attributes() const override {
    return {{"transpose_a", flags_.a ? 1.0 : 0.0}, {"transpose_b", flags_.b ? 1.0 : 0.0}};
  }

  void forward(ForwardContext<T>& ctx) const override {
    const Layout l = layout(ctx);
    Tensor<T>& y = ctx.output(l.out_shape);
    batched_gemm<T>(l.dims, {ctx.input(0).data(), l.a_stride, flags_.a},
                    {ctx.input(1).data(), l.b_stride, flags_.b}, y.data(), l.out_stride, false);
  }

  /// Bilinear: ẏ = op(ȧ)·op(b) + op(a)·op(ḃ), the forward's GEMMs on the
  /// tangents.
  bool tangent(TangentContext<T>& ctx) const override {
    const Layout l = layout(ctx);
    Tensor<T>& dy = ctx.output_tangent();
    bool written = false;
    if (ctx.has_tangent(0)) {
      batched_gemm<T>(l.dims, {ctx.tangent(0).data(), l.a_stride, flags_.a},
                      {ctx.input(1).data(), l.b_stride, flags_.b}, dy.data(), l.out_stride, false);
      written = true;
    }
    if (ctx.has_tangent(1)) {
      batched_gemm<T>(l.dims, {ctx.input(0).data(), l.a_stride, flags_.a},
                      {ctx.tangent(1).data(), l.b_stride, flags_.b}, dy.data(), l.out_stride,
                      written);
    }
    return true;
  }

  /// Each GEMM pass (the forward, each gradient) does 2·batch·m·k·n FLOPs
  /// and touches all three tensors once.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const ProductDims d = product_dims(query.inputs[0], query.inputs[1]);
    const std::uint64_t flops = 2 * std::uint64_t{d.batch} * d.m * d.k * d.n;
    const std::uint64_t bytes =
        bytes_of<T>(query.input_size(0) + query.input_size(1) + query.output_size());
    OpCost cost{flops, bytes, 0, 0};
    for (std::size_t i = 0; i < 2; ++i) {
      if (query.needs(i)) {
        cost.backprop_flops += flops;
        cost.backprop_bytes += bytes;
      }
    }
    return cost;
  }

  /// The same products recorded (matmul with flags, so no transpose is
  /// materialised here either), with the vector cases spelt out (a vector
  /// times a vector is a dot product; a matrix-vector gradient is an outer
  /// product; aᵀ·g for a vector g is g·a). A matrix shared by a batch
  /// sums its entries' gradients: for the weight of (B,m,k)·(k,n) as one
  /// product over the B·m rows.
  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    const Var<T> a = ctx.input(0);
    const Var<T> b = ctx.input(1);
    const Var<T> g = ctx.grad_output();
    if (a.rank() == 1 || b.rank() == 1) {
      const bool a_matrix = a.rank() == 2;
      const bool b_matrix = b.rank() == 2;
      if (ctx.needs_grad(0)) {
        ctx.accumulate(0, a_matrix ? outer(g, b) : (b_matrix ? matmul(b, g) : g * b));
      }
      if (ctx.needs_grad(1)) {
        ctx.accumulate(1, b_matrix ? outer(a, g) : (a_matrix ? matmul(g, a) : g * a));
      }
      return;
    }
    if (ctx.needs_grad(0)) {
      const Var<T> da = flags_.a ? matmul(b, g, Flags{flags_.b, true}.as_enum())
                                 : matmul(g, b, Flags{false, !flags_.b}.as_enum());
      ctx.accumulate(0, a.rank() < da.rank() ? sum(da, 0) : da);
    }
    if (ctx.needs_grad(1)) {
      if (b.rank() == 2 && a.rank() == 3 && !flags_.a) {
        // Σ_b a_bᵀ g_b is one product over the flattened batch's rows.
        const Shape& s = a.shape();
        const Var<T> rows_a = reshape(a, Shape{s[0] * s[1], s[2]});
        const Var<T> rows_g = reshape(g, Shape{s[0] * s[1], g.shape()[2]});
        ctx.accumulate(1, flags_.b ? matmul(rows_g, rows_a, Transpose::a)
                                   : matmul(rows_a, rows_g, Transpose::a));
        return;
      }
      const Var<T> db = flags_.b ? matmul(g, a, Flags{true, flags_.a}.as_enum())
                                 : matmul(a, g, Flags{!flags_.a, false}.as_enum());
      ctx.accumulate(1, b.rank() < db.rank() ? sum(db, 0) : db);
    }
  }

  void backprop(BackpropContext<T>& ctx) const override {
    const Layout l = layout(ctx);
    const ProductDims& d = l.dims;
    const BatchOperand<T> g{ctx.grad_output().data(), l.out_stride, false};
    const BatchOperand<T> a{ctx.input(0).data(), l.a_stride, flags_.a};
    const BatchOperand<T> b{ctx.input(1).data(), l.b_stride, flags_.b};
    if (ctx.needs_grad(0)) {
      GradSlot<T> da = ctx.gradient(0);
      if (flags_.a) {  // a_b (k × m) = op(b_b) · g_bᵀ
        batched_gemm<T>({d.batch, d.k, d.n, d.m}, b, transposed(g), da.tensor.data(), l.a_stride,
                        !da.fresh);
      } else {  // a_b (m × k) = g_b · op(b_b)ᵀ
        batched_gemm<T>({d.batch, d.m, d.n, d.k}, g, transposed(b), da.tensor.data(), l.a_stride,
                        !da.fresh);
      }
    }
    if (ctx.needs_grad(1)) {
      GradSlot<T> db = ctx.gradient(1);
      if (flags_.b) {  // b_b (n × k) = g_bᵀ · op(a_b)
        batched_gemm<T>({d.batch, d.n, d.m, d.k}, transposed(g), a, db.tensor.data(), l.b_stride,
                        !db.fresh);
      } else {  // b_b (k × n) = op(a_b)ᵀ · g_b
        batched_gemm<T>({d.batch, d.k, d.m, d.n}, transposed(a), g, db.tensor.data(), l.b_stride,
                        !db.fresh);
      }
    }
  }

 private:
  /// The operand with its transpose flag flipped.
  static BatchOperand<T> transposed(BatchOperand<T> x) {
    x.transposed = !x.transposed;
    return x;
  }

  /// op(a) is m × k and op(b) k × n (a vector is one row on the left, one
  /// column on the right), `batch` times; k is a's (checked against b's in
  /// layout()).
  ProductDims product_dims(const Shape& a, const Shape& b) const {
    const std::size_t a_rows = a.size() >= 2 ? a[a.size() - 2] : 1;
    const std::size_t b_rows = b.size() >= 2 ? b[b.size() - 2] : b[0];
    const std::size_t b_cols = b.size() >= 2 ? b.back() : 1;
    const std::size_t batch = a.size() == 3 ? a[0] : (b.size() == 3 ? b[0] : 1);
    return {batch, flags_.a ? a.back() : a_rows, flags_.a ? a_rows : a.back(),
            flags_.b ? b_rows : b_cols};
  }

  /// "(2, 3, 4)", or "(2, 3, 4)ᵀ" for an operand used transposed.
  static std::string operand(const Shape& s, bool transposed) {
    return shape_to_string(s) + (transposed ? "ᵀ" : "");
  }

  Layout layout(const detail::NodeView<T>& ctx) const {
    require_rank(ctx, 0, {1, 2, 3}, "needs a vector, matrix or batch of matrices on the left");
    require_rank(ctx, 1, {1, 2, 3}, "needs a vector, matrix or batch of matrices on the right");
    const Shape& a = ctx.input(0).shape();
    const Shape& b = ctx.input(1).shape();
    // Built only for an error: recording allocates nothing.
    const auto fail = [&](const char* what) {
      throw ShapeError(what + operand(a, flags_.a) + " · " + operand(b, flags_.b), ctx.site());
    };
    if ((flags_.a && a.size() == 1) || (flags_.b && b.size() == 1))
      fail("a vector cannot be transposed: ");
    const bool batched = a.size() == 3 || b.size() == 3;
    if (batched && (a.size() == 1 || b.size() == 1))
      fail("a batch of matrices multiplies a matrix or another batch, not a vector: ");
    if (a.size() == 3 && b.size() == 3 && a[0] != b[0])
      fail("batch sizes differ: ");
    Layout l{};
    l.dims = product_dims(a, b);
    const std::size_t b_inner = b.size() == 1 ? b[0] : b[b.size() - (flags_.b ? 1 : 2)];
    if (b_inner != l.dims.k)
      fail("inner dimensions differ: ");
    l.a_stride = a.size() == 3 ? l.dims.m * l.dims.k : 0;
    l.b_stride = b.size() == 3 ? l.dims.k * l.dims.n : 0;
    l.out_stride = batched ? l.dims.m * l.dims.n : 0;
    if (batched)
      l.out_shape.push_back(l.dims.batch);
    if (a.size() >= 2)
      l.out_shape.push_back(l.dims.m);
    if (b.size() >= 2)
      l.out_shape.push_back(l.dims.n);
    return l;
  }

  Flags flags_;
};

[[maybe_unused]] const bool matmul_registered = register_builtin<MatmulOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> matmul(Var<T> a, Var<T> b) {
  return matmul(a, b, Transpose::none);
}

template <class T>
Var<T> matmul(Var<T> a, Var<T> b, Transpose transpose) {
  // One shared instance per flag combination: recording allocates nothing.
  static const std::array<ops::MatmulOp<T>, 4> ops{
      ops::MatmulOp<T>(ops::Flags::of(Transpose::none)),
      ops::MatmulOp<T>(ops::Flags::of(Transpose::a)),
      ops::MatmulOp<T>(ops::Flags::of(Transpose::b)),
      ops::MatmulOp<T>(ops::Flags::of(Transpose::both))};
  const ops::MatmulOp<T>& op = ops[static_cast<std::size_t>(transpose)];
  return ops::tape_of(a, op.name()).record(op, {a, b});
}

template Var<float> matmul(Var<float>, Var<float>);
template Var<double> matmul(Var<double>, Var<double>);
template Var<float> matmul(Var<float>, Var<float>, Transpose);
template Var<double> matmul(Var<double>, Var<double>, Transpose);

}  // namespace tapegrad
