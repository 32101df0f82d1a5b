#pragma once
// Ops that change a tensor's shape without arithmetic on its values (apart
// from sum_to's sums). They are what gradients of broadcasting ops are made
// of when a backward pass is itself recorded (create_graph), and are useful
// on their own.

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

/// Sums x over the axes along which a tensor of `shape` broadcasts to x's
/// shape (the adjoint of broadcast_to). `shape` must broadcast to x's shape.
template <class T>
TAPEGRAD_EXPORT Var<T> sum_to(Var<T> x, const Shape& shape);

/// x stretched to `shape` by numpy's broadcasting rules.
template <class T>
TAPEGRAD_EXPORT Var<T> broadcast_to(Var<T> x, const Shape& shape);

/// The same elements, row-major, in `shape` (same number of elements).
template <class T>
TAPEGRAD_EXPORT Var<T> reshape(Var<T> x, const Shape& shape);

}  // namespace tapegrad
