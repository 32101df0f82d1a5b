#pragma once
// Row-wise ops (softmax, log_softmax, cross_entropy) see a vector as one row
// and a matrix as one row per sample.

#include <string>

#include "ops/support.hpp"

namespace tapegrad::ops {

struct Rows {
  std::size_t count, length;
};

template <class T>
Rows rows_of(const detail::NodeView<T>& ctx, std::size_t i) {
  const Shape& s = ctx.input(i).shape();
  require_rank(ctx, i, {1, 2}, "needs a vector or a matrix (one row per sample)");
  return s.size() == 2 ? Rows{s[0], s[1]} : Rows{1, s[0]};
}

}  // namespace tapegrad::ops
