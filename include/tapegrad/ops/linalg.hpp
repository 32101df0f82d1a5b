#pragma once
// Matrix products through BLAS. Transposes needed by a product or its
// gradient are passed to GEMM as flags, never materialised.

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

/// Which operands of a matmul enter the product transposed (for a batch,
/// each of its matrices): matmul(q, k, Transpose::b) is q · kᵀ. Passed to
/// GEMM as a flag; vectors take none.
enum class Transpose {
  none,
  a,     ///< aᵀ · b
  b,     ///< a · bᵀ
  both,  ///< aᵀ · bᵀ
};

/// a · b for (m,k)·(k,n) → (m,n), (m,k)·(k,) → (m,), (k,)·(k,n) → (n,)
/// and (k,)·(k,) → () (a dot product). A rank-3 operand is a batch of
/// matrices: (B,m,k)·(B,k,n) → (B,m,n) (equal batch sizes), (B,m,k)·(k,n)
/// → (B,m,n) (one GEMM over the B·m rows) and (m,k)·(B,k,n) → (B,m,n).
template <class T>
TAPEGRAD_EXPORT Var<T> matmul(Var<T> a, Var<T> b);
/// The same with operands transposed as GEMM flags (attributes
/// transpose_a, transpose_b): attention's scores q · kᵀ without a copy of kᵀ.
template <class T>
TAPEGRAD_EXPORT Var<T> matmul(Var<T> a, Var<T> b, Transpose transpose);
/// Swaps the two axes of a matrix; a vector or scalar is returned as is.
template <class T>
TAPEGRAD_EXPORT Var<T> transpose(Var<T> x);

/// y = u vᵀ: the (m × n) outer product of vectors u (m) and v (n).
template <class T>
TAPEGRAD_EXPORT Var<T> outer(Var<T> u, Var<T> v);
/// x · Wᵀ for x (…, in) — (in,), (batch, in), (batch, time, in), any rank —
/// and W (out, in), giving (…, out): a layer without bias. The leading axes
/// are flattened into one GEMM.
template <class T>
TAPEGRAD_EXPORT Var<T> linear(Var<T> x, Var<T> weight);
/// x · Wᵀ + b, fused: one GEMM forward, two GEMMs and a column sum backward.
template <class T>
TAPEGRAD_EXPORT Var<T> linear(Var<T> x, Var<T> weight, Var<T> bias);
/// relu(linear(x, W[, b])) as one op: the bias and the clamp are one pass
/// over the GEMM's output, and backprop masks g in the pass that sums it for
/// ∂b. nn::Sequential records it for a Linear followed by a ReLU.
template <class T>
TAPEGRAD_EXPORT Var<T> linear_relu(Var<T> x, Var<T> weight);
template <class T>
TAPEGRAD_EXPORT Var<T> linear_relu(Var<T> x, Var<T> weight, Var<T> bias);

}  // namespace tapegrad
