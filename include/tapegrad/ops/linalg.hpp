#pragma once
// Matrix products through BLAS. Transposes needed by a product or its
// gradient are passed to GEMM as flags, never materialised.

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

/// a · b for (m,k)·(k,n) → (m,n), (m,k)·(k,) → (m,), (k,)·(k,n) → (n,)
/// and (k,)·(k,) → () (a dot product).
template <class T>
TAPEGRAD_EXPORT Var<T> matmul(Var<T> a, Var<T> b);
/// Swaps the two axes of a matrix; a vector or scalar is returned as is.
template <class T>
TAPEGRAD_EXPORT Var<T> transpose(Var<T> x);

/// y = u vᵀ: the (m × n) outer product of vectors u (m) and v (n).
template <class T>
TAPEGRAD_EXPORT Var<T> outer(Var<T> u, Var<T> v);
/// x · Wᵀ for x (batch, in) or (in,), W (out, in): a layer without bias.
template <class T>
TAPEGRAD_EXPORT Var<T> linear(Var<T> x, Var<T> weight);
/// x · Wᵀ + b, fused: one GEMM forward, two GEMMs and a column sum backward.
template <class T>
TAPEGRAD_EXPORT Var<T> linear(Var<T> x, Var<T> weight, Var<T> bias);

}  // namespace tapegrad
