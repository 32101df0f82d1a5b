// Computed as exp(x − max x) / Σ exp(x − max x), so no exp overflows.
// Every output depends on every input of its row: the Jacobian is
// diag(y) − y yᵀ, and backprop applies it as ∂x = y ⊙ (g − ⟨g, y⟩) without
// forming it.
#include <algorithm>
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
  static constexpr std::string_view kFormula = "y = exp(x) / Σ exp(x), per row";
  // FLOPs per element: forward max, subtract, exp, sum, divide; backprop the
  // dot product ⟨g, y⟩ (2), subtract, multiply.
  static constexpr unsigned kForwardFlops = 5;
  static constexpr unsigned kForwardFlopsPerRow = 0;
  static constexpr unsigned kBackpropFlops = 4;

  template <class T>
  static void forward_row(const T* x, T* y, std::size_t n) {
    const T max = *std::max_element(x, x + n);
    T total = 0;
    for (std::size_t j = 0; j < n; ++j)
      total += y[j] = std::exp(x[j] - max);
    for (std::size_t j = 0; j < n; ++j)
      y[j] /= total;
  }

  template <class T>
  static void backprop_row(const T* y, const T* g, const GradSlot<T>& dx, std::size_t offset,
                           std::size_t n) {
    T dot = 0;
    for (std::size_t j = 0; j < n; ++j)
      dot += g[j] * y[j];
    for (std::size_t j = 0; j < n; ++j)
      dx.add(offset + j, y[j] * (g[j] - dot));
  }
  /// The same, recorded: y ⊙ (g − Σ_row g ⊙ y).
  template <class T>
  static Var<T> backprop_recorded(const Var<T>& y, const Var<T>& g) {
    return y * (g - sum(g * y, -1, true));
  }
};

template <class T>
using SoftmaxOp = RowwiseOp<T, SoftmaxKernel>;

[[maybe_unused]] const bool registered = register_builtin<SoftmaxOp>();

}  // namespace
}  // namespace ops

template <class T>
Var<T> softmax(Var<T> x) {
  return ops::record_stateless<ops::SoftmaxOp<T>>({x});
}

template Var<float> softmax(Var<float>);
template Var<double> softmax(Var<double>);

}  // namespace tapegrad
