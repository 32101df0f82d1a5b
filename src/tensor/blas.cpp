#include "blas.hpp"

#include <cblas.h>

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace tapegrad::blas {
namespace {

CBLAS_TRANSPOSE flag(bool transpose) {
  return transpose ? CblasTrans : CblasNoTrans;
}
blasint dim(std::size_t n) {
  return static_cast<blasint>(n);
}

// The BLAS routines, named by precision, so gemm<T> below is written once.
void gemm_call(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n, blasint k, float alpha,
               const float* a, blasint lda, const float* b, blasint ldb, float beta, float* c,
               blasint ldc) {
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void gemm_call(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, blasint m, blasint n, blasint k,
               double alpha, const double* a, blasint lda, const double* b, blasint ldb,
               double beta, double* c, blasint ldc) {
  cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
void blas_gemv(CBLAS_TRANSPOSE t, blasint m, blasint n, float alpha, const float* a, blasint lda,
               const float* x, blasint incx, float* y, blasint incy) {
  cblas_sgemv(CblasRowMajor, t, m, n, alpha, a, lda, x, incx, 1.0f, y, incy);
}
void blas_gemv(CBLAS_TRANSPOSE t, blasint m, blasint n, double alpha, const double* a, blasint lda,
               const double* x, blasint incx, double* y, blasint incy) {
  cblas_dgemv(CblasRowMajor, t, m, n, alpha, a, lda, x, incx, 1.0, y, incy);
}
void blas_ger(blasint m, blasint n, float alpha, const float* x, blasint incx, const float* y,
              blasint incy, float* a, blasint lda) {
  cblas_sger(CblasRowMajor, m, n, alpha, x, incx, y, incy, a, lda);
}
void blas_ger(blasint m, blasint n, double alpha, const double* x, blasint incx, const double* y,
              blasint incy, double* a, blasint lda) {
  cblas_dger(CblasRowMajor, m, n, alpha, x, incx, y, incy, a, lda);
}

// Below this many matrix elements, GEMV and GER run as our own loops: they
// vectorise for this CPU (-march=native), while the OpenBLAS call costs a
// fixed setup and, where OpenBLAS does not recognise the CPU, runs generic
// SSE kernels. A 64 × 64 recurrent step is ~10× faster this way. Larger
// products go to OpenBLAS, which threads them.
constexpr std::size_t kOwnKernelElements = std::size_t{1} << 16;

/// Strided access that the compiler can see is contiguous when stride == 1:
/// every kernel below is instantiated for both, so the common unit-stride
/// case vectorises instead of gathering.
template <bool kUnit>
constexpr std::size_t at(std::size_t i, std::size_t stride) {
  return kUnit ? i : i * stride;
}

/// y += alpha · A x (row-major A: m × n, row length lda), x strided.
template <class T>
void gemv_rows_strided(std::size_t m, std::size_t n, T alpha, const T* a, std::size_t lda,
                       const T* x, std::size_t incx, T* y, std::size_t incy) {
  for (std::size_t i = 0; i < m; ++i) {
    const T* row = a + i * lda;
    T sum = 0;
    for (std::size_t j = 0; j < n; ++j)
      sum += row[j] * x[j * incx];
    y[i * incy] += alpha * sum;
  }
}

/// y += alpha · A x (row-major A: m × n, row length lda), x contiguous.
/// A single row's dot product ends in a horizontal sum whose latency, not
/// the FMAs, bounds a small GEMV; so rows go a SIMD width at a time, each
/// into its own accumulator, and their horizontal sums overlap. (Not
/// xsimd::haddp, which would finish them in one: xsimd 8.1's AVX-512 float
/// version returns the sums in a wrong lane order.)
template <class T>
void gemv_rows_unit(std::size_t m, std::size_t n, T alpha, const T* a, std::size_t lda, const T* x,
                    T* y, std::size_t incy) {
  using Batch = xsimd::batch<T>;
  constexpr std::size_t kWidth = Batch::size;
  const std::size_t body = n - n % kWidth;
  const auto tail = [&](std::size_t i) {
    T sum = 0;
    for (std::size_t j = body; j < n; ++j)
      sum += a[i * lda + j] * x[j];
    return sum;
  };
  std::size_t i = 0;
  for (; i + kWidth <= m; i += kWidth) {
    Batch rows[kWidth];
    for (std::size_t r = 0; r < kWidth; ++r)
      rows[r] = Batch(T(0));
    for (std::size_t j = 0; j < body; j += kWidth) {
      const Batch xj = Batch::load_unaligned(x + j);
      for (std::size_t r = 0; r < kWidth; ++r)
        rows[r] = xsimd::fma(Batch::load_unaligned(a + (i + r) * lda + j), xj, rows[r]);
    }
    for (std::size_t r = 0; r < kWidth; ++r)
      y[(i + r) * incy] += alpha * (xsimd::hadd(rows[r]) + tail(i + r));
  }
  for (; i < m; ++i) {
    Batch row(T(0));
    for (std::size_t j = 0; j < body; j += kWidth)
      row = xsimd::fma(Batch::load_unaligned(a + i * lda + j), Batch::load_unaligned(x + j), row);
    y[i * incy] += alpha * (xsimd::hadd(row) + tail(i));
  }
}

/// y += alpha · Aᵀ x (row-major A: m × n): one scaled row added per x
/// element. Contiguous y is summed a few SIMD registers at a time over all
/// rows, so it does not make a store-to-load round trip per row; each
/// element still adds the rows in order, as the strided loop does.
template <class T>
void gemv_columns_unit(std::size_t m, std::size_t n, T alpha, const T* a, std::size_t lda,
                       const T* x, std::size_t incx, T* y) {
  using Batch = xsimd::batch<T>;
  constexpr std::size_t kWidth = Batch::size, kBlock = 4;
  std::size_t j = 0;
  while (j + kWidth <= n) {
    const std::size_t count = std::min(kBlock, (n - j) / kWidth);
    Batch sums[kBlock];
    for (std::size_t b = 0; b < count; ++b)
      sums[b] = Batch::load_unaligned(y + j + b * kWidth);
    for (std::size_t i = 0; i < m; ++i) {
      const Batch factor(alpha * x[i * incx]);
      const T* row = a + i * lda + j;
      for (std::size_t b = 0; b < count; ++b)
        sums[b] = xsimd::fma(factor, Batch::load_unaligned(row + b * kWidth), sums[b]);
    }
    for (std::size_t b = 0; b < count; ++b)
      sums[b].store_unaligned(y + j + b * kWidth);
    j += count * kWidth;
  }
  for (; j < n; ++j) {
    for (std::size_t i = 0; i < m; ++i)
      y[j] = std::fma(alpha * x[i * incx], a[i * lda + j], y[j]);
  }
}

/// y += alpha · Aᵀ x (row-major A: m × n), y strided.
template <class T>
void gemv_columns_strided(std::size_t m, std::size_t n, T alpha, const T* a, std::size_t lda,
                          const T* x, std::size_t incx, T* y, std::size_t incy) {
  for (std::size_t i = 0; i < m; ++i) {
    const T* row = a + i * lda;
    const T factor = alpha * x[i * incx];
    for (std::size_t j = 0; j < n; ++j)
      y[j * incy] += factor * row[j];
  }
}

/// A += alpha · x yᵀ (row-major A: m × n).
template <bool kUnitY, class T>
void ger_rows(std::size_t m, std::size_t n, T alpha, const T* x, std::size_t incx, const T* y,
              std::size_t incy, T* a, std::size_t lda) {
  for (std::size_t i = 0; i < m; ++i) {
    T* row = a + i * lda;
    const T factor = alpha * x[i * incx];
#pragma omp simd
    for (std::size_t j = 0; j < n; ++j)
      row[j] += factor * y[at<kUnitY>(j, incy)];
  }
}

/// y += alpha · op(A) x, A stored m × n.
template <class T>
void gemv_call(bool transpose, std::size_t m, std::size_t n, T alpha, const T* a, std::size_t lda,
               const T* x, std::size_t incx, T* y, std::size_t incy) {
  if (m * n > kOwnKernelElements) {
    blas_gemv(flag(transpose), dim(m), dim(n), alpha, a, dim(lda), x, dim(incx), y, dim(incy));
  } else if (transpose) {
    if (incy == 1)
      gemv_columns_unit(m, n, alpha, a, lda, x, incx, y);
    else
      gemv_columns_strided(m, n, alpha, a, lda, x, incx, y, incy);
  } else {
    if (incx == 1)
      gemv_rows_unit(m, n, alpha, a, lda, x, y, incy);
    else
      gemv_rows_strided(m, n, alpha, a, lda, x, incx, y, incy);
  }
}

/// A (m × n) += alpha · x yᵀ.
template <class T>
void ger_call(std::size_t m, std::size_t n, T alpha, const T* x, std::size_t incx, const T* y,
              std::size_t incy, T* a, std::size_t lda) {
  if (m * n > kOwnKernelElements) {
    blas_ger(dim(m), dim(n), alpha, x, dim(incx), y, dim(incy), a, dim(lda));
  } else {
    (incy == 1 ? ger_rows<true, T> : ger_rows<false, T>)(m, n, alpha, x, incx, y, incy, a, lda);
  }
}

/// C ← beta · C for an m × n block with row length ldc (beta 0 writes zeros,
/// whatever C held: BLAS's 0 · NaN would keep a NaN).
template <class T>
void scale_block(std::size_t m, std::size_t n, T beta, T* c, std::size_t ldc) {
  if (beta == T(1))
    return;
  for (std::size_t i = 0; i < m; ++i) {
    T* row = c + i * ldc;
    if (beta == T(0)) {
      std::fill(row, row + n, T(0));
    } else {
      for (std::size_t j = 0; j < n; ++j)
        row[j] *= beta;
    }
  }
}

}  // namespace

// Matrix-vector and outer products go to GEMV and GER: for them GEMM's setup
// (packing, threading decisions) costs more than the arithmetic, which is
// what a recurrent net at batch 1 does all the time.
template <class T>
void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a,
          std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
  if (m == 0 || n == 0)
    return;
  if (k == 0) {
    scale_block(m, n, beta, c, ldc);
    return;
  }
  if (n == 1) {  // c (m, column ldc) = op(A) · b, b = op(B) as a k-vector
    scale_block(m, std::size_t{1}, beta, c, ldc);
    gemv_call(ta, ta ? k : m, ta ? m : k, alpha, a, lda, b, tb ? 1 : ldb, c, ldc);
    return;
  }
  if (m == 1) {  // c (n) = op(B)ᵀ · a, a = op(A) as a k-vector
    scale_block(std::size_t{1}, n, beta, c, ldc);
    gemv_call(!tb, tb ? n : k, tb ? k : n, alpha, b, ldb, a, ta ? lda : 1, c, std::size_t{1});
    return;
  }
  if (k == 1) {  // C (m × n) = a bᵀ: an outer product
    scale_block(m, n, beta, c, ldc);
    ger_call(m, n, alpha, a, ta ? 1 : lda, b, tb ? ldb : 1, c, ldc);
    return;
  }
  gemm_call(flag(ta), flag(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b, dim(ldb), beta, c,
            dim(ldc));
}

template void gemm<float>(bool, bool, std::size_t, std::size_t, std::size_t, float, const float*,
                          std::size_t, const float*, std::size_t, float, float*, std::size_t);
template void gemm<double>(bool, bool, std::size_t, std::size_t, std::size_t, double, const double*,
                           std::size_t, const double*, std::size_t, double, double*, std::size_t);

// One thread: our loop, vectorised for this CPU. Several: OpenBLAS's, which
// splits a long vector across them (the update is bound by memory traffic).
template <class T>
void axpy(std::size_t n, T alpha, const T* x, T* y) {
  constexpr std::size_t kThreadedFrom = std::size_t{1} << 15;
  if (n >= kThreadedFrom && openblas_get_num_threads() > 1) {
    if constexpr (sizeof(T) == 4) {
      cblas_saxpy(dim(n), alpha, x, 1, y, 1);
    } else {
      cblas_daxpy(dim(n), alpha, x, 1, y, 1);
    }
    return;
  }
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i)
    y[i] += alpha * x[i];
}

template void axpy<float>(std::size_t, float, const float*, float*);
template void axpy<double>(std::size_t, double, const double*, double*);

void set_threads(int threads) {
  openblas_set_num_threads(threads);
}
int threads() {
  return openblas_get_num_threads();
}
std::string kernels() {
  const char* name = openblas_get_corename();
  return name ? name : "";
}

}  // namespace tapegrad::blas
