#pragma once
// Reproducible random tensors for tests.

#include <cstdint>
#include <random>

#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::testing {

/// Uniform values in [low, high), the same for the same seed.
template <class T = double>
Tensor<T> random_tensor(const Shape& shape, std::uint64_t seed, T low = T(-1), T high = T(1)) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<T> uniform(low, high);
  Tensor<T> t = Tensor<T>::from_shape(shape);
  for (T& value : t)
    value = uniform(rng);
  return t;
}

}  // namespace tapegrad::testing
