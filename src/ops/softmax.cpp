// Op "softmax": y = exp(x − max x) / Σ exp(x − max x), per row. Every output
// depends on every input of its row: the Jacobian is diag(y) − y yᵀ, and
// backprop applies it as ∂x = y ⊙ (g − ⟨g, y⟩) without forming it.
#include <algorithm>
#include <cmath>

#include "ops/rows.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/activations.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class SoftmaxOp final : public Operation<T> {
 public:
  static constexpr int kArity = 1;
  std::string_view name() const override { return "softmax"; }
  int arity() const override { return kArity; }

  void forward(ForwardContext<T>& ctx) const override {
    const Rows r = rows_of(ctx, 0, "softmax");
    const Tensor<T>& x = ctx.input(0);
    Tensor<T>& y = ctx.output(x.shape());
    if (r.length == 0)
      return;  // no elements, nothing to normalise
    for (std::size_t row = 0; row < r.count; ++row) {
      const T* in = x.data() + row * r.length;
      T* out = y.data() + row * r.length;
      const T max = *std::max_element(in, in + r.length);
      T total = 0;
      for (std::size_t j = 0; j < r.length; ++j)
        total += out[j] = std::exp(in[j] - max);
      for (std::size_t j = 0; j < r.length; ++j)
        out[j] /= total;
    }
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Rows r = rows_of(ctx, 0, "softmax");
    GradSlot<T> dx = ctx.gradient(0);
    for (std::size_t row = 0; row < r.count; ++row) {
      const std::size_t offset = row * r.length;
      const T* y = ctx.output().data() + offset;
      const T* g = ctx.grad_output().data() + offset;
      T* d = dx.tensor.data() + offset;
      T dot = 0;
      for (std::size_t j = 0; j < r.length; ++j)
        dot += g[j] * y[j];
      for (std::size_t j = 0; j < r.length; ++j) {
        const T contribution = y[j] * (g[j] - dot);
        d[j] = dx.fresh ? contribution : d[j] + contribution;
      }
    }
  }
};

[[maybe_unused]] const bool registered =
    register_builtin<SoftmaxOp>("softmax", {}, "y = exp(x) / Σ exp(x), per row");

}  // namespace
}  // namespace ops

template <class T>
Var<T> softmax(Var<T> x) {
  return ops::record_stateless<ops::SoftmaxOp<T>>({x});
}

template Var<float> softmax(Var<float>);
template Var<double> softmax(Var<double>);

}  // namespace tapegrad
