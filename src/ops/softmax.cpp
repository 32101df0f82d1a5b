// Computed as exp(x − max x) / Σ exp(x − max x), so no exp overflows.
// Every output depends on every input of its row: the Jacobian is
// diag(y) − y yᵀ, and backprop applies it as ∂x = y ⊙ (g − ⟨g, y⟩) without
// forming it.
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

struct SoftmaxKernel {
  static constexpr std::string_view kName = "softmax";
  static constexpr std::string_view kFormula = "y = exp(x) / Σ exp(x), along an axis";
  // FLOPs per element: forward max, subtract, exp, sum, divide; backprop the
  // dot product ⟨g, y⟩ (2), subtract, multiply.
  static constexpr unsigned kForwardFlops = 5;
  static constexpr unsigned kForwardFlopsPerRow = 0;
  static constexpr unsigned kBackpropFlops = 4;

  template <class T, class At>
  static void forward_row(const T* x, T* y, std::size_t n, At at) {
    const T max = row_max(x, n, at);
    T total = 0;
    for (std::size_t j = 0; j < n; ++j)
      total += y[at(j)] = std::exp(x[at(j)] - max);
    for (std::size_t j = 0; j < n; ++j)
      y[at(j)] /= total;
  }

  template <class T, class At>
  static void backprop_row(const T* y, const T* g, const GradSlot<T>& dx, std::size_t offset,
                           std::size_t n, At at) {
    T dot = 0;
    for (std::size_t j = 0; j < n; ++j)
      dot += g[at(j)] * y[at(j)];
    for (std::size_t j = 0; j < n; ++j)
      dx.add(offset + at(j), y[at(j)] * (g[at(j)] - dot));
  }
  /// J·ẋ = y ⊙ (ẋ − ⟨ẋ, y⟩): J is symmetric, so this is the VJP's formula.
  template <class T, class At>
  static void tangent_row(const T* y, const T* dx, T* dy, std::size_t n, At at) {
    T dot = 0;
    for (std::size_t j = 0; j < n; ++j)
      dot += dx[at(j)] * y[at(j)];
    for (std::size_t j = 0; j < n; ++j)
      dy[at(j)] = y[at(j)] * (dx[at(j)] - dot);
  }
  /// The same, recorded: y ⊙ (g − Σ_row g ⊙ y).
  template <class T>
  static Var<T> backprop_recorded(const Var<T>& y, const Var<T>& g, int axis) {
    return y * (g - sum(g * y, axis, true));
  }
};

template <class T>
using SoftmaxOp = RowwiseOp<T, SoftmaxKernel>;

[[maybe_unused]] const bool softmax_registered = register_builtin<SoftmaxOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> softmax(Var<T> x, int axis) {
  if (axis == -1)
    return ops::record_stateless<ops::SoftmaxOp<T>>(x);
  return ops::record_with<ops::SoftmaxOp<T>>({x}, axis);
}

template Var<float> softmax(Var<float>, int);
template Var<double> softmax(Var<double>, int);

}  // namespace tapegrad
