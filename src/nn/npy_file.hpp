#pragma once
// read_npy with a say on the shape: the checkpoint loader refuses a file of
// the wrong shape from its header, before its data is read or allocated.

#include <functional>
#include <string>

#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::nn {

/// Called with the header's shape before any data is read; throws to refuse it.
using ShapeCheck = std::function<void(const Shape&)>;

/// read_npy(path), with `check` (when set) run on the header's shape first.
template <class T>
Tensor<T> read_npy_checked(const std::string& path, const ShapeCheck& check);

}  // namespace tapegrad::nn
