#include "tapegrad/core/lifetime.hpp"

#include <memory>
#include <mutex>
#include <vector>

#include "tapegrad/core/error.hpp"

namespace tapegrad::detail {

std::atomic<Lifetime*> lifetime_chunks[kLifetimeChunks] = {};

namespace {

constexpr std::uint32_t kChunkBits = kLifetimeChunkBits;
constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
constexpr std::uint32_t kChunks = kLifetimeChunks;  // 2²² cells

std::atomic<std::uint64_t> next_generation{1};

/// Cells in chunks that are never freed: a lookup by index needs no lock,
/// only the chunk pointer, published once.
struct Pool {
  std::mutex mutex;
  std::uint32_t used = 1;  // cell 0 is never handed out
  std::vector<Lifetime*> free;
};

Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: handles may outlive static destruction
  return *p;
}

Lifetime& cell_at(std::uint32_t index) noexcept {
  return lifetime_chunks[index >> kChunkBits].load(
      std::memory_order_acquire)[index & (kChunkSize - 1)];
}

}  // namespace

Lifetime& acquire_lifetime(void* owner) {
  Pool& p = pool();
  Lifetime* cell = nullptr;
  {
    const std::lock_guard lock(p.mutex);
    if (!p.free.empty()) {
      cell = p.free.back();
      p.free.pop_back();
    } else {
      const std::uint32_t index = p.used;
      const std::uint32_t chunk = index >> kChunkBits;
      if (chunk >= kChunks) {
        throw CapacityError("more than " + std::to_string(kChunks * kChunkSize - 1) +
                            " tapes and parameters alive at once");
      }
      if (!lifetime_chunks[chunk].load(std::memory_order_relaxed)) {
        auto* cells = new Lifetime[kChunkSize];  // never freed (see Pool)
        for (std::uint32_t k = 0; k < kChunkSize; ++k)
          cells[k].index = chunk * kChunkSize + k;
        lifetime_chunks[chunk].store(cells, std::memory_order_release);
      }
      if (p.free.capacity() < p.used)  // so that release_lifetime() never allocates
        p.free.reserve(2 * std::size_t{p.used});
      cell = &cell_at(index);
      ++p.used;
    }
  }
  cell->owner = owner;
  renew_lifetime(*cell);
  return *cell;
}

std::uint64_t renew_lifetime(Lifetime& cell) noexcept {
  const std::uint64_t generation = next_generation.fetch_add(1, std::memory_order_relaxed);
  cell.generation.store(generation, std::memory_order_relaxed);
  return generation;
}

void release_lifetime(Lifetime& cell) noexcept {
  cell.generation.store(0, std::memory_order_relaxed);
  cell.owner = nullptr;
  Pool& p = pool();
  const std::lock_guard lock(p.mutex);
  p.free.push_back(&cell);  // within the capacity reserved when it was handed out
}

}  // namespace tapegrad::detail
