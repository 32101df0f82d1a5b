#pragma once
// Counts every heap allocation made by the process (malloc and friends are
// interposed in allocation_counter.cpp, so this includes operator new,
// xtensor buffers and OpenBLAS). Used to prove a training step allocates
// nothing once warmed up.

#include <cstddef>

namespace tapegrad::bench {

/// Allocations since the process started.
std::size_t allocation_count() noexcept;

/// Peak resident set size of the process so far, in MiB.
double peak_rss_mib() noexcept;

}  // namespace tapegrad::bench
