#pragma once
// The loop behind every elementwise op on more than a handful of elements: one
// pass over xsimd batches in which every element, the last few included, goes
// through the same vector code. So element i's result depends only on the
// inputs' element i — not on the buffers' addresses, not on where i falls
// relative to a batch boundary. (xtensor's own assignment computes the elements
// before the first aligned address, and the tail, with std:: functions, whose
// results differ from xsimd's in the last bit: results used to depend on where
// the allocator put a tensor.)

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "core/parallel.hpp"

namespace tapegrad::ops {

/// The widest SIMD register of the architecture the library is built for.
template <class T>
using Batch = xsimd::batch<T>;

/// map_batches on one thread.
template <class T, class F, class... In>
void map_batches_here(std::size_t n, T* out, const F& f, const In*... in) {
  static_assert((std::is_same_v<In, T> && ...), "every input holds the output's type");
  constexpr std::size_t width = Batch<T>::size;
  std::size_t i = 0;
  for (; i + width <= n; i += width)
    f(Batch<T>::load_unaligned(in + i)...).store_unaligned(out + i);
  if (i == n)
    return;
  // The last n % width elements: a whole batch computed from copies padded
  // with each input's last element (values the data already holds, so the
  // unused lanes raise no log(0) or 0/0 of their own); only the real lanes
  // are stored.
  const auto padded = [i, n](const T* p) {
    std::array<T, width> lanes;
    std::copy(p + i, p + n, lanes.begin());
    std::fill(lanes.begin() + static_cast<std::ptrdiff_t>(n - i), lanes.end(), p[n - 1]);
    return Batch<T>::load_unaligned(lanes.data());
  };
  std::array<T, width> result;
  f(padded(in)...).store_unaligned(result.data());
  std::copy_n(result.begin(), n - i, out + i);
}

/// Elements per piece below which a loop is not split across threads: a
/// worker takes some microseconds to wake, a pass over 64 Ki elements tens.
inline constexpr std::size_t kParallelPiece = std::size_t{1} << 16;

/// out[i] = f(in[i]...) for every i < n, where f maps batches to a batch, on
/// the threads set_num_threads() allows when n is large (core/parallel.hpp).
/// Pieces start at multiples of the batch width, so only the last piece has
/// a tail and the result is the same bits as on one thread. An input may be
/// `out` itself: each element is read before it is written.
template <class T, class F, class... In>
void map_batches(std::size_t n, T* out, const F& f, const In*... in) {
  detail::parallel_for(n, kParallelPiece, Batch<T>::size, [&](std::size_t begin, std::size_t end) {
    map_batches_here(end - begin, out + begin, f, (in + begin)...);
  });
}

}  // namespace tapegrad::ops
