#pragma once
// Row-wise ops (softmax, log_softmax, cross_entropy) see a vector as one row
// and a matrix as one row per sample.

#include <string>

#include "ops/support.hpp"

namespace tapegrad::ops {

struct Rows {
  std::size_t count, length;
};

/// The rows of a vector or matrix of shape s (already checked).
inline Rows rows_of(const Shape& s) {
  return s.size() == 2 ? Rows{s[0], s[1]} : Rows{1, s[0]};
}

template <class T>
Rows rows_of(const detail::NodeView<T>& ctx, std::size_t i) {
  require_rank(ctx, i, {1, 2}, "needs a vector or a matrix (one row per sample)");
  return rows_of(ctx.input(i).shape());
}

}  // namespace tapegrad::ops
