#pragma once
// The one door to BLAS. cblas.h stays inside blas.cpp (it clashes with
// xtensor-blas and pollutes the global namespace); ops call these.

#include <cstddef>
#include <string>

namespace tapegrad::blas {

/// C = alpha · op(A) · op(B) + beta · C, all row-major; op(X) is X or Xᵀ.
/// m×k · k×n → m×n; lda/ldb/ldc are the row lengths of A, B, C as stored.
/// Any of m, n, k may be 0 or 1 (vector shapes take GEMV or GER); with
/// beta = 0, C's previous contents are ignored, NaN included.
template <class T>
void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, T alpha,
          const T* a, std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc);

/// y += alpha · x over n elements.
template <class T>
void axpy(std::size_t n, T alpha, const T* x, T* y);

void set_threads(int threads);
int threads();
/// OpenBLAS's name for the kernels it chose ("Haswell", "SkylakeX", …).
std::string kernels();

}  // namespace tapegrad::blas
