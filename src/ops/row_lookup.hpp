#pragma once
// What embedding and its adjoint embedding_backward share: a table of rows
// (V × D) and ids (any shape, whole numbers in [0, V)) naming rows of it,
// one contiguous copy or add of D elements per id.

#include <string>

#include "ops/axis_runs.hpp"

namespace tapegrad::ops {

/// out row k = table row ids[k] (+= when `add`), for the n ids.
template <class T>
void take_rows(const T* table, std::size_t width, const T* ids, std::size_t n, T* out, bool add) {
  for (std::size_t k = 0; k < n; ++k)
    copy_or_add(table + static_cast<std::size_t>(ids[k]) * width, out + k * width, width, add);
}

/// table row ids[k] += rows row k, for the n ids (ids may repeat).
template <class T>
void add_rows(const T* rows, std::size_t width, const T* ids, std::size_t n, T* table) {
  for (std::size_t k = 0; k < n; ++k)
    copy_or_add(rows + k * width, table + static_cast<std::size_t>(ids[k]) * width, width, true);
}

/// ids.shape + (width,): the shape of the rows looked up.
inline Shape rows_shape(const Shape& ids, std::size_t width) {
  Shape shape = ids;
  shape.push_back(width);
  return shape;
}

}  // namespace tapegrad::ops
