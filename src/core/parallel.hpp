#pragma once
// Splitting a large loop of tapegrad's own across the threads set_num_threads()
// allows (the GEMMs already use them through OpenBLAS; without this, the
// elementwise work around them ran on one thread while the other idled).
//
// The loop is cut into a few pieces per thread, which the caller and a
// process-wide pool of num_threads() − 1 workers (started on first use) take
// in turn, so a worker slow to wake leaves its pieces to the others. The pool
// takes one loop at a time: a loop that finds it busy (another thread's, or
// one nested in a piece) runs whole in its caller, so concurrent tapes stay
// correct, only not faster.
// Each worker takes the caller's floating-point control word (MXCSR: rounding
// mode, flush-to-zero) for the piece, so a piece computes exactly what the
// caller would have; a loop whose iterations are independent gives the same
// bits however it was split.

#include <cstddef>

namespace tapegrad::detail {

/// Calls body(context, begin, end) on consecutive pieces that cover [0, n)
/// once: each piece's length is a multiple of `align` except the last one's,
/// and no piece is shorter than `min_piece` unless the loop runs whole. body
/// must not throw (std::terminate if it does) and its pieces must be
/// independent.
void parallel_for(std::size_t n, std::size_t min_piece, std::size_t align,
                  void (*body)(void* context, std::size_t begin, std::size_t end),
                  void* context) noexcept;

/// The same for a callable f(begin, end); a loop too short to split runs
/// here, inlined, without the call through a function pointer.
template <class F>
void parallel_for(std::size_t n, std::size_t min_piece, std::size_t align, const F& f) noexcept {
  if (n / (min_piece == 0 ? 1 : min_piece) < 2) {
    f(std::size_t{0}, n);
    return;
  }
  parallel_for(
      n, min_piece, align,
      [](void* context, std::size_t begin, std::size_t end) {
        (*static_cast<const F*>(context))(begin, end);
      },
      const_cast<F*>(&f));
}

}  // namespace tapegrad::detail
