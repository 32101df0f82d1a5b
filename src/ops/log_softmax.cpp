// Op "log_softmax": y = x − max x − log Σ exp(x − max x), per row (stable
// for logits of any size). Backprop: ∂x = g − softmax(x) · Σ g, where
// softmax(x) = exp(y).
#include <algorithm>
#include <cmath>

#include "ops/rows.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/activations.hpp"

namespace tapegrad {
namespace ops {
namespace {

template <class T>
class LogSoftmaxOp final : public Operation<T> {
 public:
  static constexpr int kArity = 1;
  std::string_view name() const override { return "log_softmax"; }
  int arity() const override { return kArity; }

  void forward(ForwardContext<T>& ctx) const override {
    const Rows r = rows_of(ctx, 0, "log_softmax");
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
        total += std::exp(in[j] - max);
      const T log_total = max + std::log(total);
      for (std::size_t j = 0; j < r.length; ++j)
        out[j] = in[j] - log_total;
    }
  }

  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Rows r = rows_of(ctx, 0, "log_softmax");
    GradSlot<T> dx = ctx.gradient(0);
    for (std::size_t row = 0; row < r.count; ++row) {
      const std::size_t offset = row * r.length;
      const T* y = ctx.output().data() + offset;
      const T* g = ctx.grad_output().data() + offset;
      T* d = dx.tensor.data() + offset;
      T g_total = 0;
      for (std::size_t j = 0; j < r.length; ++j)
        g_total += g[j];
      for (std::size_t j = 0; j < r.length; ++j) {
        const T contribution = g[j] - std::exp(y[j]) * g_total;
        d[j] = dx.fresh ? contribution : d[j] + contribution;
      }
    }
  }
};

[[maybe_unused]] const bool registered =
    register_builtin<LogSoftmaxOp>("log_softmax", {}, "y = x − log Σ exp(x), per row");

}  // namespace
}  // namespace ops

template <class T>
Var<T> log_softmax(Var<T> x) {
  return ops::record_stateless<ops::LogSoftmaxOp<T>>({x});
}

template Var<float> log_softmax(Var<float>);
template Var<double> log_softmax(Var<double>);

}  // namespace tapegrad
