#pragma once
// Sums and means, over all elements (a scalar) or along one axis (negative
// axes count from the end; keepdims leaves a size-1 axis in its place).

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

template <class T>
TAPEGRAD_EXPORT Var<T> sum(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> sum(Var<T> x, int axis, bool keepdims = false);
/// The mean of all elements; the mean of an empty tensor is an error.
template <class T>
TAPEGRAD_EXPORT Var<T> mean(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> mean(Var<T> x, int axis, bool keepdims = false);

}  // namespace tapegrad
