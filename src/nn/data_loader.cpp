#include "tapegrad/nn/data_loader.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "tapegrad/core/error.hpp"

namespace tapegrad::nn {

template <class T>
DataLoader<T>::DataLoader(const Dataset<T>& data, const DataLoaderOptions& options)
    : data_(data), options_(options), rng_(options.seed) {
  const ErrorSite site{"data_loader", std::nullopt, {}};
  if (data.features.dimension() != 2 || data.labels.dimension() == 0 ||
      data.labels.shape()[0] != data.features.shape()[0]) {
    throw ShapeError(
        fmt::format("needs features (n, d) and labels (n, …), got {} and {}",
                    shape_to_string(data.features.shape()), shape_to_string(data.labels.shape())),
        site);
  }
  if (options.batch_size == 0)
    throw ValueError("the batch size must be at least 1", site);
  if (options.world_size == 0 || options.rank >= options.world_size) {
    throw ValueError(
        fmt::format("rank {} is not in [0, world size {})", options.rank, options.world_size),
        site);
  }
  order_.reserve(data.size());
}

template <class T>
std::size_t DataLoader<T>::samples_per_epoch() const noexcept {
  return data_.size() / options_.world_size;
}

template <class T>
std::size_t DataLoader<T>::batches_per_epoch() const noexcept {
  const std::size_t n = samples_per_epoch(), b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

template <class T>
void DataLoader<T>::begin_epoch() {
  epoch_rng_ = rng_;            // a copy of the engine's state, once an epoch
  order_.resize(data_.size());  // within the reserved capacity: no allocation
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  if (options_.shuffle) {
    // Fisher–Yates with our own bounded draws: std::shuffle's use of the
    // engine differs between standard libraries.
    for (std::size_t i = order_.size(); i > 1; --i)
      std::swap(order_[i - 1], order_[rng_.below(i)]);
  }
  // This rank's shard, compacted in place (position k ≥ rank + k·W).
  const std::size_t world = options_.world_size, shard = samples_per_epoch();
  for (std::size_t k = 0; k < shard; ++k)
    order_[k] = order_[options_.rank + k * world];
  order_.resize(shard);
  position_ = 0;
  ++epoch_;
  in_epoch_ = true;
}

template <class T>
bool DataLoader<T>::next(Batch<T>& batch) {
  if (!in_epoch_)
    begin_epoch();
  const std::size_t n = order_.size();
  const std::size_t remaining = n - position_;
  const std::size_t size = std::min(options_.batch_size, remaining);
  if (size == 0 || (options_.drop_last && size < options_.batch_size)) {
    in_epoch_ = false;
    return false;
  }
  const std::size_t width = data_.features.shape()[1];
  if (batch.features.dimension() != 2 || batch.features.shape()[0] != size ||
      batch.features.shape()[1] != width) {
    batch.features.resize({size, width});
  }
  // Labels of any shape (n, …): a class per sample, or one per time step (n, T).
  Shape label_shape = data_.labels.shape();
  label_shape[0] = size;
  if (batch.labels.shape() != label_shape)
    batch.labels.resize(label_shape);
  const std::size_t label_width = data_.labels.size() / data_.labels.shape()[0];
  batch.indices.assign(order_.begin() + static_cast<std::ptrdiff_t>(position_),
                       order_.begin() + static_cast<std::ptrdiff_t>(position_ + size));
  const T* features = data_.features.data();
  const T* labels = data_.labels.data();
  for (std::size_t r = 0; r < size; ++r) {
    const std::size_t sample = batch.indices[r];
    std::copy_n(features + sample * width, width, batch.features.data() + r * width);
    std::copy_n(labels + sample * label_width, label_width, batch.labels.data() + r * label_width);
  }
  position_ += size;
  return true;
}

template <class T>
DataLoaderPosition DataLoader<T>::position() const {
  return {epoch_, position_, in_epoch_, in_epoch_ ? epoch_rng_ : rng_};
}

template <class T>
bool DataLoader<T>::can_restore(const DataLoaderPosition& at) const noexcept {
  return !at.in_epoch || (at.epoch > 0 && at.position <= samples_per_epoch());
}

template <class T>
void DataLoader<T>::restore(const DataLoaderPosition& at) {
  if (!can_restore(at)) {
    throw ValueError(fmt::format("position {} of epoch {} is not in an epoch of {} samples",
                                 at.position, at.epoch, samples_per_epoch()),
                     {"data_loader", std::nullopt, {}});
  }
  rng_ = at.rng;
  if (at.in_epoch) {
    epoch_ = at.epoch - 1;
    begin_epoch();  // draws the same order again, and counts the epoch
    position_ = at.position;
  } else {
    epoch_ = at.epoch;
    in_epoch_ = false;
  }
}

template class DataLoader<float>;
template class DataLoader<double>;

}  // namespace tapegrad::nn
