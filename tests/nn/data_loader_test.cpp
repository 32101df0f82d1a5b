#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// n samples of 3 features; sample i is [i, 10i, 100i] with label i.
nn::Dataset<double> numbered(std::size_t n) {
  nn::Dataset<double> data;
  data.features = Tensor<double>::from_shape({n, 3});
  data.labels = Tensor<double>::from_shape({n});
  for (std::size_t i = 0; i < n; ++i) {
    const auto v = static_cast<double>(i);
    data.features(i, 0) = v;
    data.features(i, 1) = 10 * v;
    data.features(i, 2) = 100 * v;
    data.labels(i) = v;
  }
  return data;
}

/// Every batch of one epoch, as the sample indices in each.
std::vector<std::vector<std::size_t>> epoch(nn::DataLoader<double>& loader,
                                            const nn::Dataset<double>& data) {
  std::vector<std::vector<std::size_t>> batches;
  nn::Batch<double> batch;
  while (loader.next(batch)) {
    const std::size_t b = batch.indices.size();
    EXPECT_EQ(batch.features.shape(), (Shape{b, 3}));
    EXPECT_EQ(batch.labels.shape(), (Shape{b}));
    for (std::size_t r = 0; r < b; ++r) {
      const std::size_t i = batch.indices[r];
      EXPECT_EQ(batch.labels(r), data.labels(i));
      for (std::size_t c = 0; c < 3; ++c)
        EXPECT_EQ(batch.features(r, c), data.features(i, c));
    }
    batches.push_back(batch.indices);
  }
  return batches;
}

TEST(DataLoader, EachSampleExactlyOncePerEpochInShuffledBatches) {
  const nn::Dataset<double> data = numbered(10);
  nn::DataLoader<double> loader(data, {4, true, false, 7});
  EXPECT_EQ(loader.batches_per_epoch(), 3u);
  std::vector<std::size_t> previous;
  for (int e = 1; e <= 3; ++e) {
    const auto batches = epoch(loader, data);
    EXPECT_EQ(loader.epoch(), static_cast<std::size_t>(e));
    ASSERT_EQ(batches.size(), 3u);
    EXPECT_EQ(batches[0].size(), 4u);
    EXPECT_EQ(batches[1].size(), 4u);
    EXPECT_EQ(batches[2].size(), 2u);  // the remainder, not dropped
    std::vector<std::size_t> seen;
    for (const auto& b : batches)
      seen.insert(seen.end(), b.begin(), b.end());
    std::vector<std::size_t> sorted = seen;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < 10; ++i)
      EXPECT_EQ(sorted[i], i);
    EXPECT_NE(seen, previous) << "epoch " << e << " repeats the previous order";
    previous = seen;
  }
}

TEST(DataLoader, SameSeedSameBatchesOtherSeedOthers) {
  const nn::Dataset<double> data = numbered(50);
  nn::DataLoader<double> a(data, {8, true, false, 1});
  nn::DataLoader<double> b(data, {8, true, false, 1});
  nn::DataLoader<double> c(data, {8, true, false, 2});
  for (int e = 0; e < 2; ++e) {
    const auto first = epoch(a, data);
    EXPECT_EQ(first, epoch(b, data));
    EXPECT_NE(first, epoch(c, data));
  }
}

TEST(DataLoader, DropLastAndNoShuffle) {
  const nn::Dataset<double> data = numbered(10);
  nn::DataLoader<double> dropping(data, {4, true, true, 3});
  EXPECT_EQ(dropping.batches_per_epoch(), 2u);
  const auto batches = epoch(dropping, data);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[1].size(), 4u);

  nn::DataLoader<double> ordered(data, {3, false, false, 0});
  const auto in_order = epoch(ordered, data);
  ASSERT_EQ(in_order.size(), 4u);
  EXPECT_EQ(in_order[0], (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(in_order[3], (std::vector<std::size_t>{9}));

  // A batch larger than the data set: one short batch, or none with drop_last.
  nn::DataLoader<double> big(data, {16, true, false, 0});
  EXPECT_EQ(epoch(big, data).size(), 1u);
  nn::DataLoader<double> big_dropped(data, {16, true, true, 0});
  EXPECT_EQ(big_dropped.batches_per_epoch(), 0u);
  EXPECT_TRUE(epoch(big_dropped, data).empty());
}

TEST(DataLoader, LabelsOfAnyShapeFollowTheirSample) {
  nn::Dataset<double> data = numbered(5);
  data.labels = Tensor<double>::from_shape({5, 2, 3});  // e.g. targets per time step
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t t = 0; t < 6; ++t)
      data.labels.data()[i * 6 + t] = static_cast<double>(100 * i + t);
  nn::DataLoader<double> loader(data, {.batch_size = 2, .seed = 4});
  nn::Batch<double> batch;
  std::vector<std::size_t> seen;
  while (loader.next(batch)) {
    const std::size_t b = batch.indices.size();
    ASSERT_EQ(batch.labels.shape(), (Shape{b, 2, 3}));
    for (std::size_t r = 0; r < b; ++r) {
      const std::size_t i = batch.indices[r];
      seen.push_back(i);
      EXPECT_EQ(batch.features(r, 0), static_cast<double>(i));
      for (std::size_t t = 0; t < 6; ++t)
        EXPECT_EQ(batch.labels.data()[r * 6 + t], static_cast<double>(100 * i + t));
    }
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

TEST(DataLoader, PositionRestoresTheSameBatches) {
  const nn::Dataset<double> data = numbered(7);
  nn::DataLoader<double> a(data, {.batch_size = 3, .seed = 2});
  nn::Batch<double> batch;
  for (int i = 0; i < 5; ++i)  // into the second epoch
    a.next(batch);
  nn::DataLoader<double> b(data, {.batch_size = 3, .seed = 2});
  b.restore(a.position());
  EXPECT_EQ(b.epoch(), a.epoch());
  nn::Batch<double> other;
  for (int i = 0; i < 8; ++i) {
    ASSERT_EQ(a.next(batch), b.next(other));
    EXPECT_EQ(batch.indices, other.indices);
  }
  nn::DataLoaderPosition bad = a.position();
  bad.in_epoch = true;
  bad.position = 8;
  EXPECT_FALSE(a.can_restore(bad));
  try {
    b.restore(bad);
    FAIL() << "a position past the epoch accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("position 8 of epoch"), std::string::npos) << e.what();
  }
}

TEST(DataLoader, Errors) {
  nn::Dataset<double> data = numbered(4);
  EXPECT_THROW(nn::DataLoader<double>(data, {0, true, false, 0}), ValueError);
  data.labels = Tensor<double>::from_shape({3});
  try {
    nn::DataLoader<double> loader(data, {});
    FAIL() << "mismatched labels accepted";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.op(), "data_loader");
    EXPECT_NE(std::string(e.what()).find("labels (n, …), got (4, 3) and (3,)"), std::string::npos)
        << e.what();
  }
  data.labels = Tensor<double>::from_shape({4});
  data.features = Tensor<double>::from_shape({4});
  EXPECT_THROW(nn::DataLoader<double>(data, {}), ShapeError);
}

// Rank r of W takes positions r, r + W, … of the order one process would
// use, the last n mod W positions dropped (data_loader.hpp).
TEST(DataLoader, ShardsPartitionTheSharedShuffledOrder) {
  const nn::Dataset<double> data = numbered(23);
  for (std::size_t world : {1u, 2u, 3u, 4u}) {
    SCOPED_TRACE(world);
    nn::DataLoader<double> whole(data, {.batch_size = 23, .seed = 4});
    std::vector<nn::DataLoader<double>> shards;
    for (std::size_t rank = 0; rank < world; ++rank)
      shards.emplace_back(data, nn::DataLoaderOptions{
                                    .batch_size = 2, .seed = 4, .rank = rank, .world_size = world});
    for (int e = 0; e < 2; ++e) {  // the shuffle differs per epoch, alike on every rank
      const std::vector<std::size_t> order = epoch(whole, data).at(0);
      const std::size_t kept = 23 - 23 % world;
      for (std::size_t rank = 0; rank < world; ++rank) {
        std::vector<std::size_t> expected;
        for (std::size_t k = rank; k < kept; k += world)
          expected.push_back(order[k]);
        std::vector<std::size_t> seen;
        for (const auto& batch : epoch(shards[rank], data))
          seen.insert(seen.end(), batch.begin(), batch.end());
        EXPECT_EQ(seen, expected) << "rank " << rank << ", epoch " << e;
        EXPECT_EQ(shards[rank].samples_per_epoch(), 23 / world);
        EXPECT_EQ(shards[rank].batches_per_epoch(), (23 / world + 1) / 2);
      }
    }
  }
}

TEST(DataLoader, RankOutsideTheWorldIsRejected) {
  const nn::Dataset<double> data = numbered(4);
  try {
    nn::DataLoader<double> loader(data, {.rank = 2, .world_size = 2});
    FAIL() << "no error";
  } catch (const ValueError& error) {
    EXPECT_STREQ(error.what(), "tapegrad: data_loader: rank 2 is not in [0, world size 2)");
  }
  EXPECT_THROW(nn::DataLoader<double>(data, {.world_size = 0}), ValueError);
}

}  // namespace
}  // namespace tapegrad
