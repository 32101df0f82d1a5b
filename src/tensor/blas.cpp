#include "blas.hpp"

#include <cblas.h>

namespace tapegrad::blas {
namespace {

CBLAS_TRANSPOSE flag(bool transpose) { return transpose ? CblasTrans : CblasNoTrans; }
blasint dim(std::size_t n) { return static_cast<blasint>(n); }

}  // namespace

template <>
void gemm<float>(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                 const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                 float* c, std::size_t ldc) {
  cblas_sgemm(CblasRowMajor, flag(ta), flag(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b,
              dim(ldb), beta, c, dim(ldc));
}

template <>
void gemm<double>(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, double alpha,
                  const double* a, std::size_t lda, const double* b, std::size_t ldb, double beta,
                  double* c, std::size_t ldc) {
  cblas_dgemm(CblasRowMajor, flag(ta), flag(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b,
              dim(ldb), beta, c, dim(ldc));
}

void set_threads(int threads) { openblas_set_num_threads(threads); }
int threads() { return openblas_get_num_threads(); }

}  // namespace tapegrad::blas
