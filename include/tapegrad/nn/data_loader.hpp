#pragma once
// Mini-batches drawn from a Dataset, as the lecture's training loop draws
// them: each epoch visits every sample exactly once, in an order shuffled by
// a seeded nn::Rng (so the same seed gives the same batches everywhere).
//
//   nn::DataLoader<float> loader(train, {.batch_size = 128, .seed = 1});
//   nn::Batch<float> batch;
//   while (loader.next(batch)) { … batch.features (b, d), batch.labels (b, …) … }
//   // next() returned false: the epoch is over; the next call starts another.
//
// Sharding for data-parallel training (dist::DataParallel): with world_size W
// and rank r, every rank shuffles with the same seed, so all see the same
// order, and rank r takes positions r, r + W, r + 2W, … of it. When W does
// not divide the data set's size n, the last n mod W positions of the epoch's
// order are dropped (different samples each epoch), so every rank has
// ⌊n / W⌋ samples and the same number of batches — a rank with one batch more
// would wait forever in a collective the others never start. With W = 1
// nothing is dropped. A global batch of W·b samples on one rank is then the
// union of the W ranks' batches of b.

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
  /// This process's shard (see above): rank in [0, world_size).
  std::size_t rank = 0;
  std::size_t world_size = 1;
};

template <class T>
struct Batch {
  Tensor<T> features;                ///< (b, features)
  Tensor<T> labels;                  ///< (b, …): the data set's label shape with b rows
  std::vector<std::size_t> indices;  ///< which samples of the data set, in order
};

/// Where a loader is, for resuming: the epochs begun, the position in the
/// current epoch's order, and the shuffling generator as it was when that
/// epoch began (the order is drawn again from it, so it is not stored).
struct DataLoaderPosition {
  std::size_t epoch = 0;
  std::size_t position = 0;
  bool in_epoch = false;
  Rng rng;
};

template <class T>
class TAPEGRAD_EXPORT DataLoader {
 public:
  /// Keeps a reference to `data`, which must outlive the loader. Throws
  /// ShapeError unless features are (n, d) and labels (n, …) of any rank ≥ 1
  /// (a class per sample, or per time step: (n, T)), ValueError for a
  /// batch size of 0, a world size of 0 or a rank outside [0, world_size).
  DataLoader(const Dataset<T>& data, const DataLoaderOptions& options);

  /// Fills `batch` with the next mini-batch (its buffers are reused); false
  /// once the epoch is over, after which the next call begins a new epoch.
  bool next(Batch<T>& batch);
  /// Samples of one epoch on this rank.
  std::size_t samples_per_epoch() const noexcept;
  /// Batches one epoch yields.
  std::size_t batches_per_epoch() const noexcept;
  /// Epochs begun so far.
  std::size_t epoch() const noexcept { return epoch_; }
  const DataLoaderOptions& options() const noexcept { return options_; }
  /// Samples in the data set (all ranks).
  std::size_t dataset_size() const noexcept { return data_.size(); }

  /// Where the loader is now; restore() of it on a loader over the same data
  /// with the same options continues with the same batches.
  DataLoaderPosition position() const;
  /// Whether `at` can be a position of this loader (not inside epoch 0, not
  /// past an epoch's samples).
  bool can_restore(const DataLoaderPosition& at) const noexcept;
  /// Continues from `at`; ValueError (nothing changed) unless can_restore(at).
  void restore(const DataLoaderPosition& at);

 private:
  void begin_epoch();

  const Dataset<T>& data_;
  DataLoaderOptions options_;
  Rng rng_;
  Rng epoch_rng_;  // rng_ as the current epoch began, for position()
  std::vector<std::size_t> order_;
  std::size_t position_ = 0;
  std::size_t epoch_ = 0;
  bool in_epoch_ = false;
};

}  // namespace tapegrad::nn
