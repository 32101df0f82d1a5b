#pragma once
// Products over a leading batch axis, as GEMMs: C_b = op(A_b) · op(B_b) for
// every batch entry b, where each of A, B and C either holds one matrix per
// entry or one matrix shared by all of them. A shared C receives the sum over
// the batch (the gradient of a shared operand). Two layouts need no loop,
// because a batch of row-major matrices stacked on top of each other is one
// taller row-major matrix:
//   * A batched and not transposed, B shared, C batched: one GEMM with
//     batch·m rows (a batch times a weight matrix);
//   * A batched and transposed, B batched and not, C shared: one GEMM whose
//     inner dimension runs over the whole batch, Σ_b A_bᵀ B_b (that
//     product's weight gradient).
// Everything else is one GEMM per entry (a shared C accumulates with
// beta = 1 after the first). Transposes are GEMM flags, never copies.

#include <cstddef>

#include "tensor/blas.hpp"

namespace tapegrad::ops {

/// One operand: its first matrix, the elements between consecutive batch
/// entries (0: one matrix shared by every entry), and whether it enters the
/// product transposed.
template <class T>
struct BatchOperand {
  const T* data;
  std::size_t stride;
  bool transposed;
};

/// The product's extents: op(A_b) is m × k and op(B_b) k × n for each of
/// `batch` entries.
struct ProductDims {
  std::size_t batch, m, k, n;
};

/// C_b (m × n, row-major, C_{b+1} at c + c_stride) = op(A_b) · op(B_b), added to
/// what C holds when `accumulate`. With c_stride = 0, C is one matrix that
/// receives Σ_b op(A_b) · op(B_b) (and zeros for an empty batch, unless
/// `accumulate`).
template <class T>
void batched_gemm(const ProductDims& d, const BatchOperand<T>& a, const BatchOperand<T>& b, T* c,
                  std::size_t c_stride, bool accumulate) {
  // Row lengths as stored: A is m×k (k×m when transposed), B is k×n (n×k).
  const std::size_t lda = a.transposed ? d.m : d.k;
  const std::size_t ldb = b.transposed ? d.k : d.n;
  const T first_beta = accumulate ? T(1) : T(0);
  if (d.batch > 1 && c_stride != 0 && a.stride != 0 && !a.transposed && b.stride == 0) {
    blas::gemm<T>(false, b.transposed, d.batch * d.m, d.n, d.k, T(1), a.data, lda, b.data, ldb,
                  first_beta, c, d.n);
    return;
  }
  if (d.batch > 1 && c_stride == 0 && a.stride != 0 && a.transposed && b.stride != 0 &&
      !b.transposed) {
    blas::gemm<T>(true, false, d.m, d.n, d.batch * d.k, T(1), a.data, lda, b.data, ldb, first_beta,
                  c, d.n);
    return;
  }
  if (d.batch == 0) {
    if (c_stride == 0)  // the sum of no products
      blas::gemm<T>(false, false, d.m, d.n, 0, T(1), a.data, lda, b.data, ldb, first_beta, c, d.n);
    return;
  }
  for (std::size_t i = 0; i < d.batch; ++i) {
    const T beta = c_stride == 0 && i > 0 ? T(1) : first_beta;
    blas::gemm<T>(a.transposed, b.transposed, d.m, d.n, d.k, T(1), a.data + i * a.stride, lda,
                  b.data + i * b.stride, ldb, beta, c + i * c_stride, d.n);
  }
}

}  // namespace tapegrad::ops
