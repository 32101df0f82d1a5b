#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(Threads, SetAndReadBack) {
  set_num_threads(2);
  EXPECT_EQ(num_threads(), 2);
  set_num_threads(1);
  EXPECT_EQ(num_threads(), 1);
}

TEST(Threads, FewerThanOneIsAValueError) {
  try {
    set_num_threads(0);
    FAIL() << "0 threads were accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("at least 1 thread, got 0"), std::string::npos);
  }
  EXPECT_GE(num_threads(), 1);
}

// ctest runs this once more with OPENBLAS_CORETYPE=Prescott (SSE3 kernels,
// which every x86-64 CPU can run): tests/CMakeLists.txt.
TEST(BlasKernels, NamedAndAdvisedWhenTheyLeaveAvx512Unused) {
  const std::string kernels = blas_kernels();
  EXPECT_FALSE(kernels.empty());
  const char* forced = std::getenv("OPENBLAS_CORETYPE");
  if (forced == nullptr || std::string(forced) != "Prescott")
    return;
  EXPECT_EQ(kernels, "Prescott");
  const std::string advice = blas_kernel_advice();
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f")) {
    EXPECT_EQ(advice,
              "OpenBLAS uses its Prescott kernels, without AVX-512, on this AVX-512 CPU: set "
              "OPENBLAS_CORETYPE=SkylakeX for faster matrix products");
    return;
  }
#endif
  EXPECT_EQ(advice, "");
}

}  // namespace
}  // namespace tapegrad
