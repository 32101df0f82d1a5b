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

}  // namespace tapegrad
