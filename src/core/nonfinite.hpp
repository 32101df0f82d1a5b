#pragma once
// Finding NaN and Inf in a tensor, for anomaly mode.

#include <cmath>
#include <cstddef>
#include <string>

#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::detail {

struct NonfiniteCount {
  std::size_t nan = 0;
  std::size_t inf = 0;

  explicit operator bool() const noexcept { return nan + inf > 0; }

  /// "NaN (2 of 6 elements)", "Inf (1 of 4 elements)" or "NaN and Inf (…)".
  std::string describe(std::size_t size) const {
    const char* what = nan && inf ? "NaN and Inf" : nan ? "NaN" : "Inf";
    return std::string(what) + " (" + std::to_string(nan + inf) + " of " + std::to_string(size) +
           " elements)";
  }
};

template <class T>
NonfiniteCount count_nonfinite(const Tensor<T>& tensor) {
  NonfiniteCount count;
  const T* data = tensor.data();
  for (std::size_t i = 0; i < tensor.size(); ++i) {
    if (std::isnan(data[i]))
      ++count.nan;
    else if (std::isinf(data[i]))
      ++count.inf;
  }
  return count;
}

}  // namespace tapegrad::detail
