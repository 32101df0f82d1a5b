// The adjoint of embedding (Note [Adjoint ops] in axis_runs.hpp): the rows
// of g added into zeros of shape (rows, D) at the rows the ids name. Its own
// adjoint is embedding.
#include <array>

#include "ops/row_lookup.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class EmbeddingBackwardOp final : public OpBase<EmbeddingBackwardOp<T>, T> {
 public:
  static constexpr std::string_view kName = "embedding_backward";
  static constexpr int kArity = 2;  // g, ids
  static constexpr std::string_view kFormula =
      "y = zeros (rows × D); y[ids[…], :] += g[…, :] (the adjoint of embedding)";
  static constexpr std::array<std::string_view, 1> kAttributes{"rows"};

  explicit EmbeddingBackwardOp(std::int64_t rows) : rows_(rows) {}
  explicit EmbeddingBackwardOp(const Attributes& a) : rows_(whole_attribute(a, kName, "rows")) {}

  Attributes attributes() const override { return {{"rows", static_cast<double>(rows_)}}; }

  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& ids = ctx.input(1);
    const std::size_t width = check(ctx);
    Tensor<T>& y = ctx.output(Shape{static_cast<std::size_t>(rows_), width});
    y.fill(T(0));
    add_rows(ctx.input(0).data(), width, ids.data(), ids.size(), y.data());
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& ids = ctx.input(1);
    const GradSlot<T> dg = ctx.gradient(0);
    take_rows(ctx.grad_output().data(), ctx.output().shape()[1], ids.data(), ids.size(),
              dg.tensor.data(), !dg.fresh);
  }

  /// Linear in g: ẏ adds ġ's rows the same way.
  bool tangent(TangentContext<T>& ctx) const override {
    if (ctx.has_tangent(0)) {
      const Tensor<T>& ids = ctx.input(1);
      Tensor<T>& dy = ctx.output_tangent();
      dy.fill(T(0));
      add_rows(ctx.tangent(0).data(), ctx.output().shape()[1], ids.data(), ids.size(), dy.data());
    }
    return true;
  }

  void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, embedding(ctx.grad_output(), ctx.input(1)));
  }

  /// Forward clears y and adds g's rows into it; backprop reads the ids and
  /// their rows of y's gradient and writes ∂g.
  std::optional<OpCost> cost(const CostQuery& query) const override {
    const std::uint64_t ids = query.input_size(1);
    const std::uint64_t n = query.input_size(0);
    return OpCost{n, bytes_of<T>(ids + 2 * n + query.output_size()), 0,
                  query.needs(0) ? bytes_of<T>(ids + 2 * n) : 0};
  }

 private:
  /// D, once g is ids.shape + (D,) and the ids name rows in [0, rows).
  std::size_t check(const ForwardContext<T>& ctx) const {
    const Shape& g = ctx.input(0).shape();
    const Shape& ids = ctx.input(1).shape();
    const std::string shapes =
        fmt::format("g of shape {}, ids of shape {}", shape_to_string(g), shape_to_string(ids));
    bool fits = g.size() == ids.size() + 1;
    for (std::size_t k = 0; fits && k < ids.size(); ++k)
      fits = g[k] == ids[k];
    if (!fits)
      throw ShapeError(shapes + ": g must have the ids' shape and one more axis", ctx.site());
    if (rows_ < 0)
      throw ValueError(fmt::format("rows {} must be ≥ 0 ({})", rows_, shapes), ctx.site());
    check_indices(ctx, ctx.input(1), static_cast<std::size_t>(rows_), "id", shapes);
    return g.back();
  }

  std::int64_t rows_;
};

[[maybe_unused]] const bool embedding_backward_registered = register_builtin<EmbeddingBackwardOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> embedding_backward(Var<T> g, Var<T> ids, std::size_t rows) {
  return ops::record_with<ops::EmbeddingBackwardOp<T>>({g, ids}, static_cast<std::int64_t>(rows));
}

template Var<float> embedding_backward(Var<float>, Var<float>, std::size_t);
template Var<double> embedding_backward(Var<double>, Var<double>, std::size_t);

}  // namespace tapegrad
