#pragma once
// What save_checkpoint and the training checkpoint share: the file of each
// parameter (directory/<label>.npy) and reading a file that must have a
// given shape, refused from its header otherwise.

#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/core/parameter.hpp"

namespace tapegrad::nn::detail {

inline constexpr std::string_view kCheckpointOp = "checkpoint";

/// directory/<label>.npy for each parameter; ValueError for a null
/// parameter or labels that are empty, shared or cannot name a file.
template <class T>
std::vector<std::string> checkpoint_files(const std::string& directory,
                                          const std::vector<Parameter<T>*>& parameters);

/// read_npy(path); FileError naming `what` unless its shape is `shape`.
template <class T>
Tensor<T> read_shaped(const std::string& path, const Shape& shape, const std::string& what);

}  // namespace tapegrad::nn::detail
