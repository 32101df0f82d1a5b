// Rows of a weight table looked up by integer ids: one row copy per id
// forward, one row add per id backward (row_lookup.hpp) — O(ids × D), never
// a V × D one-hot. Its adjoint is embedding_backward (Note [Adjoint ops] in
// axis_runs.hpp); the ids, a constant, get no gradient.
#include "ops/row_lookup.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class EmbeddingOp final : public OpBase<EmbeddingOp<T>, T> {
 public:
  static constexpr std::string_view kName = "embedding";
  static constexpr int kArity = 2;  // weight, ids
  static constexpr std::string_view kFormula = "y[…, :] = W[ids[…], :]";

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& w = ctx.input(0);
    const Tensor<T>& ids = ctx.input(1);
    const std::string shapes =
        fmt::format("ids of shape {}, weight of shape {}", shape_to_string(ids.shape()),
                    shape_to_string(w.shape()));
    if (w.dimension() != 2)
      throw ShapeError(shapes + ": the weight must be a matrix (rows × width)", ctx.site());
    check_indices(ctx, ids, w.shape()[0], "id", shapes);
    const std::size_t width = w.shape()[1];
    take_rows(w.data(), width, ids.data(), ids.size(),
              ctx.output(rows_shape(ids.shape(), width)).data(), false);
  }

  /// Clears ∂W when fresh (a dense gradient), then adds g's rows into it.
  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& ids = ctx.input(1);
    const GradSlot<T> dw = ctx.gradient(0);
    if (dw.fresh)
      dw.tensor.fill(T(0));
    add_rows(ctx.grad_output().data(), ctx.input(0).shape()[1], ids.data(), ids.size(),
             dw.tensor.data());
  }

  /// Linear in W: ẏ looks up the same rows of Ẇ.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0)) {
      const Tensor<T>& ids = ctx.input(1);
      take_rows(ctx.tangent(0).data(), ctx.input(0).shape()[1], ids.data(), ids.size(),
                ctx.output_tangent().data(), false);
    }
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0,
                     embedding_backward(ctx.grad_output(), ctx.input(1), ctx.input(0).shape()[0]));
  }

  /// Forward reads the ids and their rows and writes y; backprop reads g and
  /// the ids and adds into the looked-up rows of ∂W (read and written). A
  /// fresh ∂W is cleared first: not counted, as it is not the op's work.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t ids = query.input_size(1);
    const std::uint64_t n = query.output_size();
    OpCost cost{0, bytes_of<T>(ids + 2 * n), 0, 0};
    if (query.needs(0)) {
      cost.backprop_flops = n;
      cost.backprop_bytes = bytes_of<T>(ids + 3 * n);
    }
    return cost;
  }
};

[[maybe_unused]] const bool embedding_registered = register_builtin<EmbeddingOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> embedding(Var<T> weight, Var<T> ids) {
  return ops::record_stateless<ops::EmbeddingOp<T>>(weight, ids);
}

template Var<float> embedding(Var<float>, Var<float>);
template Var<double> embedding(Var<double>, Var<double>);

}  // namespace tapegrad
