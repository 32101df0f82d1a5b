#include "tapegrad/core/threads.hpp"

#include <string>

#include "tapegrad/core/error.hpp"
#include "tensor/blas.hpp"

namespace tapegrad {

void set_num_threads(int threads) {
  if (threads < 1) {
    throw ValueError("set_num_threads needs at least 1 thread, got " + std::to_string(threads));
  }
  blas::set_threads(threads);
}

int num_threads() {
  return blas::threads();
}

std::string blas_kernels() {
  return blas::kernels();
}

std::string blas_kernel_advice() {
  const std::string kernels = blas::kernels();
  // OpenBLAS 0.3.21's AVX-512 kernel families.
  const bool avx512_kernels =
      kernels == "SkylakeX" || kernels == "Cooperlake" || kernels == "SapphireRapids";
#if defined(__x86_64__) || defined(__i386__)
  const bool cpu_has_avx512 = __builtin_cpu_supports("avx512f");
#else
  const bool cpu_has_avx512 = false;
#endif
  if (!cpu_has_avx512 || avx512_kernels)
    return {};
  return "OpenBLAS uses its " + kernels +
         " kernels, without AVX-512, on this AVX-512 CPU: set OPENBLAS_CORETYPE=SkylakeX "
         "for faster matrix products";
}

}  // namespace tapegrad
