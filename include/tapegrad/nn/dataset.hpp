#pragma once
// A labelled data set held in memory: one row of `features` per sample (a
// mini-batch is a matrix, one row per instance) and one entry of `labels` per
// sample (a class index, a 0/1 target or a value) or one row of them (the
// targets of each time step of a sequence).

#include <cstddef>

#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::nn {

template <class T>
struct Dataset {
  Tensor<T> features;  ///< (samples, features)
  Tensor<T> labels;    ///< (samples, …): one label, or one per time step (samples, T)

  std::size_t size() const noexcept { return features.dimension() == 0 ? 0 : features.shape()[0]; }
};

}  // namespace tapegrad::nn
