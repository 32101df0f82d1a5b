#pragma once
// How a handle notices that what it points to is gone. A Tape or a Parameter
// owns a Lifetime cell for as long as it lives; a Var (or a tape's watch of
// a parameter) keeps the cell's index and the generation it saw. Cells are
// never freed, only reused, so looking one up is always safe; and
// generations come from one 64-bit counter for the whole process, so a
// reused cell, a reset() tape or a new tape at the same address never
// matches an old handle.

#include <atomic>
#include <cstdint>

#include "tapegrad/export.hpp"

namespace tapegrad::detail {

struct Lifetime {
  /// The owner's current generation; 0 while the cell is free.
  std::atomic<std::uint64_t> generation{0};
  /// The owner (a Tape<T> or a Parameter<T>), while generation is not 0.
  void* owner = nullptr;
  /// This cell's index (never 0: index 0 means "no cell").
  std::uint32_t index = 0;

  bool alive(std::uint64_t seen) const noexcept {
    return generation.load(std::memory_order_relaxed) == seen;
  }
};

/// A cell for `owner`, with a new generation (CapacityError past 2²² cells
/// alive at once).
TAPEGRAD_EXPORT Lifetime& acquire_lifetime(void* owner);
/// Gives the cell a new generation (a tape's reset()); returns it.
TAPEGRAD_EXPORT std::uint64_t renew_lifetime(Lifetime& cell) noexcept;
/// Ends the owner's life: every handle holding the cell goes stale.
TAPEGRAD_EXPORT void release_lifetime(Lifetime& cell) noexcept;
/// The pool's chunks of cells (2¹² each), published once and never freed;
/// read here so that lifetime_at() is inline (every Var op looks one up).
inline constexpr std::uint32_t kLifetimeChunkBits = 12;
inline constexpr std::uint32_t kLifetimeChunks = 1024;
TAPEGRAD_EXPORT extern std::atomic<Lifetime*> lifetime_chunks[kLifetimeChunks];

/// The cell of index `index` (not 0), which acquire_lifetime() handed out.
inline const Lifetime& lifetime_at(std::uint32_t index) noexcept {
  return lifetime_chunks[index >> kLifetimeChunkBits].load(
      std::memory_order_acquire)[index & ((1u << kLifetimeChunkBits) - 1)];
}

}  // namespace tapegrad::detail
