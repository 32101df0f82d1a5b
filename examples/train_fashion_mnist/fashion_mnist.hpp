#pragma once
// Loads Fashion-MNIST (Xiao, Rasul & Vollgraf 2017; MIT licence, © Zalando SE)
// from the gzipped IDX files Debian's dataset-fashion-mnist installs: 28×28
// grey images become rows of 784 values in [0, 1], labels class indices 0–9.

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include <tapegrad/tapegrad.hpp>

namespace fashion_mnist {

inline constexpr std::size_t kPixels = 28 * 28;
inline constexpr std::size_t kClasses = 10;

/// `prefix` is "train" or "t10k"; at most `limit` samples (0: all of them).
inline tapegrad::nn::Dataset<float> load(const std::string& directory, const std::string& prefix,
                                         std::size_t limit) {
  using tapegrad::Tensor;
  // The images stay one float tensor, scaled and reshaped in place: a copy
  // would double the 188 MB the training images take.
  Tensor<float> images =
      tapegrad::nn::read_idx<float>(directory + "/" + prefix + "-images-idx3-ubyte.gz");
  Tensor<float> labels =
      tapegrad::nn::read_idx<float>(directory + "/" + prefix + "-labels-idx1-ubyte.gz");
  const std::size_t available = images.dimension() == 3 ? images.shape()[0] : 0;
  if (available == 0 || images.size() != available * kPixels || labels.size() != available) {
    throw tapegrad::FileError("the " + prefix + " images and labels in " + directory +
                                  " are not 28×28 images with one label each",
                              {"fashion_mnist", std::nullopt, {}});
  }
  const std::size_t n = limit == 0 ? available : std::min(limit, available);
  tapegrad::nn::Dataset<float> data;
  if (n == available) {
    images.reshape({n, kPixels});
    data.features = std::move(images);
    data.labels = std::move(labels);
  } else {
    data.features = Tensor<float>::from_shape({n, kPixels});
    data.labels = Tensor<float>::from_shape({n});
    std::copy_n(images.data(), n * kPixels, data.features.data());
    std::copy_n(labels.data(), n, data.labels.data());
  }
  const float scale = 1.0f / 255.0f;
  std::transform(data.features.data(), data.features.data() + data.features.size(),
                 data.features.data(), [scale](float pixel) { return pixel * scale; });
  return data;
}

}  // namespace fashion_mnist
