#include "tapegrad/core/lifetime.hpp"

#include <deque>
#include <mutex>
#include <vector>

namespace tapegrad::detail {
namespace {

std::atomic<std::uint64_t> next_generation{1};

/// Cells live in a deque (stable addresses) and are never freed.
struct Pool {
  std::mutex mutex;
  std::deque<Lifetime> cells;
  std::vector<Lifetime*> free;
};

Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: handles may outlive static destruction
  return *p;
}

}  // namespace

Lifetime* acquire_lifetime(void* owner) {
  Pool& p = pool();
  Lifetime* cell = nullptr;
  {
    const std::lock_guard lock(p.mutex);
    if (p.free.empty()) {
      cell = &p.cells.emplace_back();
    } else {
      cell = p.free.back();
      p.free.pop_back();
    }
  }
  cell->owner = owner;
  renew_lifetime(*cell);
  return cell;
}

std::uint64_t renew_lifetime(Lifetime& cell) noexcept {
  const std::uint64_t generation = next_generation.fetch_add(1, std::memory_order_relaxed);
  cell.generation.store(generation, std::memory_order_relaxed);
  return generation;
}

void release_lifetime(Lifetime* cell) noexcept {
  if (!cell)
    return;
  cell->generation.store(0, std::memory_order_relaxed);
  cell->owner = nullptr;
  Pool& p = pool();
  const std::lock_guard lock(p.mutex);
  try {
    p.free.push_back(cell);
  } catch (...) {  // out of memory: the cell is not reused, nothing else is lost
  }
}

}  // namespace tapegrad::detail
