// The sharded DataLoader on two real ranks: one seeded order, disjoint
// shards, every sample once per epoch (the remainder rule in data_loader.hpp).
#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>

#include <mpi.h>

#include "dist/mpi/training.hpp"

namespace tapegrad::dist {
namespace {

// The indices this rank's loader visits in its next epoch.
std::vector<std::size_t> one_epoch(nn::DataLoader<double>& loader) {
  std::vector<std::size_t> seen;
  nn::Batch<double> batch;
  while (loader.next(batch))
    seen.insert(seen.end(), batch.indices.begin(), batch.indices.end());
  return seen;
}

std::vector<unsigned long> gather(const std::vector<std::size_t>& mine) {
  std::vector<unsigned long> local(mine.begin(), mine.end()), all(2 * mine.size());
  MPI_Allgather(local.data(), static_cast<int>(local.size()), MPI_UNSIGNED_LONG, all.data(),
                static_cast<int>(local.size()), MPI_UNSIGNED_LONG, MPI_COMM_WORLD);
  return all;
}

TEST(ShardedDataLoader, TwoRanksSeeEverySampleOncePerEpoch) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  for (std::size_t samples : {40u, 41u}) {  // even, and one left over
    SCOPED_TRACE(samples);
    const nn::Dataset<double> data = testing::synthetic_data(samples, 6, 3);
    nn::DataLoader<double> loader(
        data,
        {.batch_size = 7, .seed = 3, .rank = static_cast<std::size_t>(rank), .world_size = 2});
    EXPECT_EQ(loader.samples_per_epoch(), 20u);
    EXPECT_EQ(loader.batches_per_epoch(), 3u);  // 7, 7, 6 on both ranks
    std::vector<std::vector<unsigned long>> epochs;
    for (int epoch = 0; epoch < 2; ++epoch) {
      std::vector<unsigned long> all = gather(one_epoch(loader));
      ASSERT_EQ(all.size(), 40u);
      std::sort(all.begin(), all.end());
      EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a sample twice";
      EXPECT_LT(all.back(), samples);
      epochs.push_back(all);
    }
    if (samples == 41) {
      // A different sample is left over each epoch (the shuffles differ).
      EXPECT_NE(epochs[0], epochs[1]);
    }
  }
}

}  // namespace
}  // namespace tapegrad::dist
