#pragma once
// Catching two threads on one tape. A tape is used by one thread at a time
// (give each thread its own tape; handing one over between calls is fine).
// Every public entry of Tape holds a scope for its duration, and a call that
// arrives while another is inside throws ConcurrentUseError before it touches
// anything — unless it comes from the thread inside a NestingScope: the
// entries that may call the tape's public entries again (gradient() records
// through them, stats() reads nodes, a gradient-ready listener may read
// values) note their thread. The recording entries, which never nest, pay a
// load and two stores of a relaxed atomic. This is detection, not a lock: concurrent use is
// caught as soon as two calls overlap, which misuse in a loop does at once;
// two calls that start at the very same instant can both pass.

#include <atomic>
#include <cstdint>
#include <string_view>

#include "tapegrad/export.hpp"

namespace tapegrad::detail {

class ExclusiveUse {
 public:
  /// Held by an entry that never calls back into the tape.
  class Scope {
   public:
    [[gnu::always_inline]] Scope(const ExclusiveUse& use, std::string_view entry) : use_(use) {
      use.enter(entry);
    }
    [[gnu::always_inline]] ~Scope() { use_.leave(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    const ExclusiveUse& use_;
  };

  /// Held by an entry that may call public entries of the same tape on its
  /// own thread while inside.
  class NestingScope {
   public:
    NestingScope(const ExclusiveUse& use, std::string_view entry)
        : use_(use), previous_(use.nesting_thread_.load(std::memory_order_relaxed)) {
      use.enter(entry);
      use.nesting_thread_.store(this_thread(), std::memory_order_relaxed);
    }
    ~NestingScope() {
      use_.nesting_thread_.store(previous_, std::memory_order_relaxed);
      use_.leave();
    }
    NestingScope(const NestingScope&) = delete;
    NestingScope& operator=(const NestingScope&) = delete;

   private:
    const ExclusiveUse& use_;
    std::uintptr_t previous_;
  };

 private:
  /// Distinct for every live thread, and cheap: the thread pointer (%fs on x86-64).
  static std::uintptr_t this_thread() noexcept {
    return reinterpret_cast<std::uintptr_t>(__builtin_thread_pointer());
  }

  [[gnu::always_inline]] void enter(std::string_view entry) const {
    const std::uint32_t depth = depth_.load(std::memory_order_relaxed);
    if (depth != 0 && nesting_thread_.load(std::memory_order_relaxed) != this_thread()) [[unlikely]]
      concurrent_use(entry);
    depth_.store(depth + 1, std::memory_order_relaxed);
  }
  [[gnu::always_inline]] void leave() const noexcept {
    depth_.store(depth_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  }
  /// Throws ConcurrentUseError naming `entry`.
  [[noreturn]] TAPEGRAD_EXPORT static void concurrent_use(std::string_view entry);

  mutable std::atomic<std::uint32_t> depth_{0};            // calls inside the tape now
  mutable std::atomic<std::uintptr_t> nesting_thread_{0};  // inside a NestingScope, or 0
};

}  // namespace tapegrad::detail
