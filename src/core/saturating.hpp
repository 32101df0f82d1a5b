#pragma once
// Counts that stop at the largest value instead of wrapping: a cost ledger
// read from a hostile file (or a tape of absurd shapes) says "at least
// 2⁶⁴ − 1", never a small wrong number.

#include <cstdint>
#include <limits>

namespace tapegrad::detail {

inline std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}

inline std::uint64_t saturating_product(std::uint64_t a, std::uint64_t b) {
  return a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a
             ? std::numeric_limits<std::uint64_t>::max()
             : a * b;
}

}  // namespace tapegrad::detail
