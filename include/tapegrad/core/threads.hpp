#pragma once
// How many threads tapegrad's parallel work may use: OpenBLAS's GEMMs, and the
// elementwise passes over large tensors (src/core/parallel.hpp). Process-wide.

#include <string>

#include "tapegrad/export.hpp"

namespace tapegrad {

/// Sets the number of threads (≥ 1) used by matrix products and large elementwise ops.
TAPEGRAD_EXPORT void set_num_threads(int threads);
TAPEGRAD_EXPORT int num_threads();

/// The kernels OpenBLAS chose for this CPU ("Haswell", "SkylakeX", …).
TAPEGRAD_EXPORT std::string blas_kernels();
/// One line for a program to print when the CPU has AVX-512 but OpenBLAS
/// chose kernels without it (OpenBLAS 0.3.21 does not know CPUs newer than
/// it, and AMD's at all), saying how to pick the faster ones; empty otherwise.
TAPEGRAD_EXPORT std::string blas_kernel_advice();

}  // namespace tapegrad
