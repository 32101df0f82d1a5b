#pragma once
// Mini-batches drawn from a Dataset, as the lecture's training loop draws
// them: each epoch visits every sample exactly once, in an order shuffled by
// a seeded nn::Rng (so the same seed gives the same batches everywhere).
//
//   nn::DataLoader<float> loader(train, {.batch_size = 128, .seed = 1});
//   nn::Batch<float> batch;
//   while (loader.next(batch)) { … batch.features (b, d), batch.labels (b,) … }
//   // next() returned false: the epoch is over; the next call starts another.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tapegrad/export.hpp"
#include "tapegrad/nn/dataset.hpp"
#include "tapegrad/nn/random.hpp"

namespace tapegrad::nn {

struct DataLoaderOptions {
  std::size_t batch_size = 32;
  bool shuffle = true;
  /// Skip the last batch of an epoch when it would be smaller than batch_size.
  bool drop_last = false;
  std::uint64_t seed = 0;
};

template <class T>
struct Batch {
  Tensor<T> features;                ///< (b, features)
  Tensor<T> labels;                  ///< (b,)
  std::vector<std::size_t> indices;  ///< which samples of the data set, in order
};

template <class T>
class TAPEGRAD_EXPORT DataLoader {
 public:
  /// Keeps a reference to `data`, which must outlive the loader. Throws
  /// ShapeError unless features are (n, d) and labels (n,), ValueError for a
  /// batch size of 0.
  DataLoader(const Dataset<T>& data, const DataLoaderOptions& options);

  /// Fills `batch` with the next mini-batch (its buffers are reused); false
  /// once the epoch is over, after which the next call begins a new epoch.
  bool next(Batch<T>& batch);
  /// Batches one epoch yields.
  std::size_t batches_per_epoch() const noexcept;
  /// Epochs begun so far.
  std::size_t epoch() const noexcept { return epoch_; }

 private:
  void begin_epoch();

  const Dataset<T>& data_;
  DataLoaderOptions options_;
  Rng rng_;
  std::vector<std::size_t> order_;
  std::size_t position_ = 0;
  std::size_t epoch_ = 0;
  bool in_epoch_ = false;
};

}  // namespace tapegrad::nn
