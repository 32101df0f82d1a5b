#pragma once
// What both libtorch side-by-side programs set so that the comparison is fair
// (the reasons: the header of libtorch_side_by_side.cpp).

#include <cblas.h>
#include <malloc.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <tapegrad/tapegrad.hpp>

namespace tapegrad::bench {

/// libtorch's threads and OpenBLAS's, which libtorch's setting leaves alone.
inline void use_torch_threads(int threads) {
  torch::set_num_threads(threads);
  openblas_set_num_threads(threads);
}

/// A copy of a tapegrad tensor (same shape, same values).
template <class T>
torch::Tensor to_torch(const Tensor<T>& t) {
  const std::vector<std::int64_t> sizes(t.shape().begin(), t.shape().end());
  // from_blob only views the buffer, and clone() reads it before we return.
  return torch::from_blob(const_cast<T*>(t.data()), sizes, torch::dtype<T>()).clone();
}

/// Starts the program again with OMP_WAIT_POLICY=PASSIVE unless the variable
/// is set (libgomp has read its environment by the time main runs). Returns
/// only when it is set; exits when the restart fails.
inline void restart_with_passive_openmp(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr)
    return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);
  std::perror("starting again with OMP_WAIT_POLICY=PASSIVE");
  std::exit(1);
}

/// A fixed mmap threshold (glibc's own rises and falls with what is freed)
/// and a high trim threshold keep the tensors libtorch frees at the end of a
/// step in the heap, for the next step to reuse. Returns the setting's name.
inline std::string keep_freed_memory_in_heap() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  return "M_MMAP_THRESHOLD=32MiB M_TRIM_THRESHOLD=256MiB";
}

}  // namespace tapegrad::bench
