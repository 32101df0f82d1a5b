#include "tapegrad/core/denormals.hpp"

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace tapegrad {

bool set_flush_denormals(bool enabled) noexcept {
#if defined(__SSE__)
  constexpr unsigned kFlushToZero = 0x8000;       // MXCSR.FTZ: results
  constexpr unsigned kDenormalsAreZero = 0x0040;  // MXCSR.DAZ: inputs
  const unsigned mask = kFlushToZero | kDenormalsAreZero;
  const unsigned csr = _mm_getcsr();
  _mm_setcsr(enabled ? (csr | mask) : (csr & ~mask));
  return true;
#else
  (void)enabled;
  return false;
#endif
}

}  // namespace tapegrad
