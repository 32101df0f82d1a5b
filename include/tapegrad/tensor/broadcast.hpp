#pragma once
// Broadcasting rules (numpy's: align trailing axes; a size-1 or missing axis
// stretches) and their adjoint: summing a gradient back to an input's shape.
// Every broadcasting op uses these two, so they are tested once, well.

#include <optional>

#include "tapegrad/export.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

/// The shape `a op b` broadcasts to, or nothing when they are incompatible.
TAPEGRAD_EXPORT std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b);

/// Sums `full` over the axes along which a tensor of out's shape was
/// broadcast to full's shape, writing into `out` (accumulate: adding).
/// out's shape must broadcast to full's shape.
template <class T>
TAPEGRAD_EXPORT void reduce_to_shape(const Tensor<T>& full, Tensor<T>& out, bool accumulate);

}  // namespace tapegrad
