#pragma once
// Values that training drives towards 0 — optimiser state that decays
// geometrically (src/nn/subnormal.hpp), softmax probabilities of classes a
// confident network rules out (src/ops/cross_entropy.cpp) — can pass through
// the subnormal range. On CPUs that take a microcode assist per subnormal
// operand (Intel's), each such value costs ~100× its arithmetic in every
// kernel that reads it, the GEMMs of backprop included. Replacing it by 0
// where it arises is what flush-to-zero would do to that one value, and
// nothing else changes.

#include <cmath>
#include <limits>

namespace tapegrad {

/// x, or 0 where x is subnormal. Branch-free, so the loops using it vectorise.
template <class T>
inline T flush_subnormal(T x) {
  return std::abs(x) < std::numeric_limits<T>::min() ? T(0) : x;
}

}  // namespace tapegrad
