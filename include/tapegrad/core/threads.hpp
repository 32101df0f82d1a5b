#pragma once
// How many threads tapegrad's parallel work may use: today that is OpenBLAS's
// GEMMs (tapegrad's own loops are single-threaded). Process-wide.

#include "tapegrad/export.hpp"

namespace tapegrad {

/// Sets the number of threads (≥ 1) used by matrix products.
TAPEGRAD_EXPORT void set_num_threads(int threads);
TAPEGRAD_EXPORT int num_threads();

}  // namespace tapegrad
