#pragma once
// C = op(A) · op(B) + beta · C straight through cblas, row-major, on the
// caller's buffers: the floors the benchmarks judge tapegrad's products by.
#include <cblas.h>

#include <cstddef>

namespace tapegrad::bench {

/// op(A) is m × k and op(B) k × n; A, B and C are stored densely (row
/// lengths k or m, n or k, and n).
template <class T>
void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, const T* a, const T* b,
          T* c, T beta = T(0)) {
  const auto trans = [](bool t) { return t ? CblasTrans : CblasNoTrans; };
  const auto lda = static_cast<blasint>(ta ? m : k), ldb = static_cast<blasint>(tb ? k : n);
  const auto M = static_cast<blasint>(m), N = static_cast<blasint>(n), K = static_cast<blasint>(k);
  if constexpr (sizeof(T) == 4) {
    cblas_sgemm(CblasRowMajor, trans(ta), trans(tb), M, N, K, 1.0f, a, lda, b, ldb, beta, c, N);
  } else {
    cblas_dgemm(CblasRowMajor, trans(ta), trans(tb), M, N, K, 1.0, a, lda, b, ldb, beta, c, N);
  }
}

}  // namespace tapegrad::bench
