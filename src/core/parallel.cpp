#include "core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <unistd.h>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "tapegrad/core/threads.hpp"

namespace tapegrad::detail {
namespace {

unsigned float_control() noexcept {
#if defined(__SSE__)
  return _mm_getcsr();
#else
  return 0;
#endif
}

void set_float_control([[maybe_unused]] unsigned control) noexcept {
#if defined(__SSE__)
  _mm_setcsr(control);
#endif
}

struct Loop {
  void (*body)(void*, std::size_t, std::size_t);
  void* context;
  std::size_t n;
  std::size_t piece;   // every piece's length but the last one's
  std::size_t pieces;  // ≤ 2³²
  unsigned float_control;
};

/// Pieces are claimed from one 64-bit ticket: the loop's generation above,
/// the next piece below. A worker that woke late for a finished loop finds
/// another generation there and claims nothing, so it never runs a piece of
/// a loop it did not read (whose context may be gone).
class WorkerPool {
 public:
  /// Runs `loop` on the caller and up to threads − 1 workers; false (nothing
  /// run) when another loop holds the pool.
  bool run(const Loop& loop, std::size_t threads) noexcept {
    bool idle = false;
    if (!busy_.compare_exchange_strong(idle, true, std::memory_order_acquire))
      return false;
    if (workers_.size() != threads - 1)
      resize(threads - 1);
    std::uint64_t generation;
    {
      const std::lock_guard lock(mutex_);
      loop_ = loop;
      generation = ++generation_;
      unfinished_ = loop.pieces;
      ticket_.store(generation << 32, std::memory_order_relaxed);
    }
    wake_.notify_all();
    const std::size_t done = run_pieces(loop, generation);
    {
      std::unique_lock lock(mutex_);
      unfinished_ -= done;
      finished_.wait(lock, [this] { return unfinished_ == 0; });
    }
    busy_.store(false, std::memory_order_release);
    return true;
  }

 private:
  // Runs pieces of generation `generation` while there are any; returns how many.
  std::size_t run_pieces(const Loop& loop, std::uint64_t generation) noexcept {
    std::size_t done = 0;
    std::uint64_t ticket = ticket_.load(std::memory_order_relaxed);
    for (;;) {
      if ((ticket >> 32) != generation || (ticket & 0xffffffffu) >= loop.pieces)
        return done;
      if (!ticket_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_relaxed))
        continue;
      const std::size_t begin = static_cast<std::size_t>(ticket & 0xffffffffu) * loop.piece;
      loop.body(loop.context, begin, std::min(loop.n, begin + loop.piece));
      ++done;
      ticket = ticket_.load(std::memory_order_relaxed);
    }
  }

  void work() noexcept {
    std::uint64_t seen = 0;
    for (;;) {
      Loop loop;
      std::uint64_t generation;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_)
          return;
        seen = generation = generation_;
        loop = loop_;
      }
      const unsigned own_control = float_control();
      set_float_control(loop.float_control);
      const std::size_t done = run_pieces(loop, generation);
      set_float_control(own_control);
      if (done == 0)
        continue;
      const std::lock_guard lock(mutex_);
      unfinished_ -= done;
      if (unfinished_ == 0)
        finished_.notify_one();
    }
  }

  // Called by the pool's owner only (busy_ held). A thread that cannot be
  // started leaves fewer workers: the caller takes their pieces.
  void resize(std::size_t workers) noexcept {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& worker : workers_)
      worker.join();
    workers_.clear();
    stopping_ = false;
    try {
      workers_.reserve(workers);
      while (workers_.size() < workers)
        workers_.emplace_back([this] { work(); });
    } catch (...) {
    }
  }

  std::atomic<bool> busy_{false};
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::vector<std::thread> workers_;
  Loop loop_{};                   // under mutex_
  std::uint64_t generation_ = 0;  // under mutex_
  std::size_t unfinished_ = 0;    // pieces, under mutex_
  bool stopping_ = false;         // under mutex_
  std::atomic<std::uint64_t> ticket_{0};
};

}  // namespace

void parallel_for(std::size_t n, std::size_t min_piece, std::size_t align,
                  void (*body)(void*, std::size_t, std::size_t), void* context) noexcept {
  min_piece = std::max<std::size_t>(min_piece, 1);
  align = std::max<std::size_t>(align, 1);
  if (n / min_piece < 2) {
    body(context, 0, n);
    return;
  }
  const auto threads = static_cast<std::size_t>(std::max(num_threads(), 1));
  // A few pieces per thread, so a worker that wakes late costs little.
  const std::size_t pieces = std::min({n / min_piece, 4 * threads, std::size_t{1} << 31});
  if (threads == 1 || pieces < 2) {
    body(context, 0, n);
    return;
  }
  std::size_t piece = (n + pieces - 1) / pieces;
  piece = (piece + align - 1) / align * align;
  const Loop loop{body, context, n, piece, (n + piece - 1) / piece, float_control()};
  // Never destroyed: its workers wait until the process ends, and a loop run
  // from a static destructor still finds it. A child of fork() has none of
  // the workers, and maybe a mutex a worker held: it runs its loops alone.
  static WorkerPool* const pool = new WorkerPool;
  static const pid_t owner = getpid();
  if (getpid() != owner || !pool->run(loop, threads))
    body(context, 0, n);
}

}  // namespace tapegrad::detail
