// 2 ranks × batch B/2 ≡ 1 rank × batch B: the same parameters after 10 steps,
// for SGD and Adam in float64. The 1-rank run is DataParallel on
// MPI_COMM_SELF inside each rank, over the whole batch.
#include <functional>
#include <memory>

#include <gtest/gtest.h>

#include <tapegrad/dist/data_parallel.hpp>

#include "dist/mpi/training.hpp"

namespace tapegrad::dist {
namespace {

using testing::batch_loss;
using testing::relative_difference;
using MakeOptimizer =
    std::function<std::unique_ptr<nn::Optimizer<double>>(std::vector<Parameter<double>*>)>;

constexpr std::size_t kBatch = 16;
constexpr int kSteps = 10;

// Trains a fresh small_mlp for kSteps on `comm`'s ranks, each taking its
// shard of every batch of kBatch samples.
nn::Sequential<double> train(MPI_Comm comm, const MakeOptimizer& make_optimizer,
                             std::size_t bucket_bytes) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  // 60 samples: 3 full batches and one of 12 per epoch, so the 10 steps
  // cross epochs and include short batches.
  static const nn::Dataset<double> data = testing::synthetic_data(60, 6, 3);
  const auto world = static_cast<std::size_t>(size);
  nn::DataLoader<double> loader(data, {.batch_size = kBatch / world,
                                       .seed = 5,
                                       .rank = static_cast<std::size_t>(rank),
                                       .world_size = world});
  nn::Sequential<double> net = testing::small_mlp();
  std::unique_ptr<nn::Optimizer<double>> optimizer = make_optimizer(net.parameters());
  DataParallel<double> parallel(*optimizer, {.bucket_bytes = bucket_bytes, .comm = comm});
  Tape<double> tape;
  nn::Batch<double> batch;
  for (int step = 0; step < kSteps; ++step) {
    if (!loader.next(batch)) {
      EXPECT_TRUE(loader.next(batch));  // a new epoch
    }
    parallel.backward(tape, batch_loss(tape, net, batch));
  }
  return net;
}

void expect_equivalent(const MakeOptimizer& make_optimizer) {
  // Buckets of 200 bytes: several per step, some parameters alone in one.
  nn::Sequential<double> one = train(MPI_COMM_SELF, make_optimizer, 200);
  nn::Sequential<double> two = train(MPI_COMM_WORLD, make_optimizer, 200);
  nn::Sequential<double> start = testing::small_mlp();
  const auto p1 = one.parameters(), p2 = two.parameters(), p0 = start.parameters();
  ASSERT_EQ(p1.size(), 6u);
  for (std::size_t k = 0; k < p1.size(); ++k) {
    SCOPED_TRACE(p1[k]->label());
    EXPECT_LE(relative_difference(p2[k]->value(), p1[k]->value()), 1e-12);
    // Training moved the weights, so the comparison means something.
    EXPECT_GT(relative_difference(p0[k]->value(), p1[k]->value()), 1e-3);
  }
}

TEST(DataParallel, TwoRanksWithHalfBatchesEqualOneRankSgd) {
  expect_equivalent([](std::vector<Parameter<double>*> params) {
    return std::make_unique<nn::Sgd<double>>(std::move(params), 0.5);
  });
}

TEST(DataParallel, TwoRanksWithHalfBatchesEqualOneRankAdam) {
  expect_equivalent([](std::vector<Parameter<double>*> params) {
    return std::make_unique<nn::Adam<double>>(std::move(params), 0.05);
  });
}

TEST(DataParallel, RanksHoldEqualWeightsAfterTraining) {
  auto make_sgd = [](std::vector<Parameter<double>*> params) {
    return std::make_unique<nn::Sgd<double>>(std::move(params), 0.5);
  };
  nn::Sequential<double> net = train(MPI_COMM_WORLD, make_sgd, std::size_t{25} << 20);
  for (Parameter<double>* p : net.parameters()) {
    Tensor<double> root = p->value();
    MPI_Bcast(root.data(), static_cast<int>(root.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
    EXPECT_EQ(p->value(), root) << p->label();
  }
}

}  // namespace
}  // namespace tapegrad::dist
