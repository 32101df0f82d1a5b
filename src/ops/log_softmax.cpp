// Computed as x − max x − log Σ exp(x − max x), stable for logits of any
// size. Backprop: ∂x = g − softmax(x) · Σ g, where softmax(x) = exp(y).
#include <cmath>

#include "ops/rowwise.hpp"
#include "ops/support.hpp"
#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/math.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad {
namespace ops {
namespace {

struct LogSoftmaxKernel {
  static constexpr std::string_view kName = "log_softmax";
  static constexpr std::string_view kFormula = "y = x − log Σ exp(x), along an axis";
  // FLOPs per element: forward max, subtract, exp, sum, subtract (and one log
  // per row); backprop Σ g, exp, multiply, subtract.
  static constexpr unsigned kForwardFlops = 5;
  static constexpr unsigned kForwardFlopsPerRow = 1;
  static constexpr unsigned kBackpropFlops = 4;

  template <class T, class At>
  static void forward_row(const T* x, T* y, std::size_t n, At at) {
    const T max = row_max(x, n, at);
    T total = 0;
    for (std::size_t j = 0; j < n; ++j)
      total += std::exp(x[at(j)] - max);
    // (x − max) first: max + log Σ would round log Σ away at large |max|
    // (log_softmax of three logits −1e4 came out −1.09863 instead of −log 3 in float32).
    const T log_total = std::log(total);
    for (std::size_t j = 0; j < n; ++j)
      y[at(j)] = (x[at(j)] - max) - log_total;
  }

  template <class T, class At>
  static void backprop_row(const T* y, const T* g, const GradSlot<T>& dx, std::size_t offset,
                           std::size_t n, At at) {
    T g_total = 0;
    for (std::size_t j = 0; j < n; ++j)
      g_total += g[at(j)];
    for (std::size_t j = 0; j < n; ++j)
      dx.add(offset + at(j), g[at(j)] - std::exp(y[at(j)]) * g_total);
  }
  /// J = I − 1·softmaxᵀ: J·ẋ = ẋ − ⟨exp(y), ẋ⟩.
  template <class T, class At>
  static void tangent_row(const T* y, const T* dx, T* dy, std::size_t n, At at) {
    T dot = 0;
    for (std::size_t j = 0; j < n; ++j)
      dot += std::exp(y[at(j)]) * dx[at(j)];
    for (std::size_t j = 0; j < n; ++j)
      dy[at(j)] = dx[at(j)] - dot;
  }
  /// The same, recorded: g − exp(y) ⊙ Σ_row g.
  template <class T>
  static Var<T> backprop_recorded(const Var<T>& y, const Var<T>& g, int axis) {
    return g - exp(y) * sum(g, axis, true);
  }
};

template <class T>
using LogSoftmaxOp = RowwiseOp<T, LogSoftmaxKernel>;

[[maybe_unused]] const bool log_softmax_registered = register_builtin<LogSoftmaxOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> log_softmax(Var<T> x, int axis) {
  if (axis == -1)
    return ops::record_stateless<ops::LogSoftmaxOp<T>>(x);
  return ops::record_with<ops::LogSoftmaxOp<T>>({x}, axis);
}

template Var<float> log_softmax(Var<float>, int);
template Var<double> log_softmax(Var<double>, int);

}  // namespace tapegrad
