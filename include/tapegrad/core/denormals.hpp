#pragma once
// Denormal (subnormal) numbers make x86 arithmetic up to 100× slower per
// operation. Gradients that vanish through many steps — a recurrent net's —
// pass through them on their way to zero. Flushing them to zero is the usual
// cure (PyTorch's set_flush_denormal does the same); it changes results only
// below ~1e-38 (float) or ~1e-308 (double).

#include "tapegrad/export.hpp"

namespace tapegrad {

/// Turns flush-to-zero and denormals-are-zero on or off for the calling
/// thread. Returns false where the CPU offers no such switch (non-x86).
TAPEGRAD_EXPORT bool set_flush_denormals(bool enabled) noexcept;

}  // namespace tapegrad
