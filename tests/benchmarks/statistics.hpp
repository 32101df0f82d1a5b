#pragma once
// Order statistics of timing samples, for the benchmark programs' tables.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace tapegrad::bench {

inline double median(std::vector<double> values) {
  if (values.empty())
    return std::numeric_limits<double>::quiet_NaN();
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1)
    return *middle;
  return (*middle + *std::max_element(values.begin(), middle)) / 2;
}

/// The q-quantile (0 ≤ q ≤ 1) by linear interpolation.
inline double quantile(std::vector<double> values, double q) {
  if (values.empty())
    return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double at = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(at);
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (at - static_cast<double>(below)) * (values[above] - values[below]);
}

/// For interleaved timing: how many passes of `floor_pass` make a block of
/// at least `block_ms`, from the fastest of three passes (what the machine
/// gives when the other programs leave it).
template <class F>
int passes_per_block(const F& floor_pass, double block_ms) {
  double fastest = std::numeric_limits<double>::infinity();
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    floor_pass();
    const auto end = std::chrono::steady_clock::now();
    fastest = std::min(fastest, std::chrono::duration<double, std::milli>(end - start).count());
  }
  return std::max(1, static_cast<int>(std::ceil(block_ms / fastest)));
}

}  // namespace tapegrad::bench
