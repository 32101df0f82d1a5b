#pragma once
// Force-included first in every library source (see src/CMakeLists.txt).
// GCC 12.2's AVX-512 intrinsic headers trip its own -Wuninitialized through
// _mm512_undefined_* (GCC bug 105593, fixed in 12.3). Warnings are matched by
// location, so silencing them only for these headers keeps them on for ours.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#endif
