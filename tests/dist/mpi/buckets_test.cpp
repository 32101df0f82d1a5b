// How DataParallel communicates: buckets start during the sweep, parameters
// without a gradient follow one rule on every rank, no_sync accumulates.
#include <gtest/gtest.h>

#include <tapegrad/dist/data_parallel.hpp>

#include "dist/mpi/training.hpp"

namespace tapegrad::dist {
namespace {

using testing::world_rank;

// This rank's half of a fixed batch of 8 samples.
nn::Batch<double> half_batch(std::size_t first, std::size_t count) {
  static const nn::Dataset<double> data = testing::synthetic_data(8, 6, 3);
  nn::Batch<double> batch{
      Tensor<double>::from_shape({count, 6}), Tensor<double>::from_shape({count}), {}};
  for (std::size_t r = 0; r < count; ++r) {
    for (std::size_t j = 0; j < 6; ++j)
      batch.features(r, j) = data.features(first + r, j);
    batch.labels(r) = data.labels(first + r);
  }
  return batch;
}

TEST(DataParallel, FirstBucketStartsBeforeTheSweepEnds) {
  nn::Sequential<double> net = testing::small_mlp();
  nn::Sgd<double> sgd(net.parameters(), 0.1);
  // A bucket of one byte holds one parameter: six buckets, one per parameter.
  DataParallel<double> parallel(sgd, {.bucket_bytes = 1});
  Tape<double> tape;
  const nn::Batch<double> batch = half_batch(4 * static_cast<std::size_t>(world_rank()), 4);
  for (int step = 0; step < 2; ++step) {  // the first layout, then rank 0's ready order
    parallel.backward(tape, testing::batch_loss(tape, net, batch));
    const StepStats& stats = parallel.last_step();
    EXPECT_EQ(stats.buckets, 6u);
    EXPECT_EQ(stats.parameters_reported, 6u);
    EXPECT_EQ(stats.started_during_sweep, 6u);
    if (step == 0) {
      // The first layout (parameters reversed) guesses the order within a
      // layer wrong (the sweep reports W before b), so a bucket may wait for
      // the next; still, all-reduces began before the last report.
      EXPECT_GE(stats.started_before_last_report, 1u);
    } else {
      // In the ready order: five all-reduces were under way while the sweep
      // still had its last parameter to report.
      EXPECT_EQ(stats.started_before_last_report, 5u);
    }
  }
}

TEST(DataParallel, OneDefaultBucketStartsWithTheLastReport) {
  nn::Sequential<double> net = testing::small_mlp();
  nn::Sgd<double> sgd(net.parameters(), 0.1);
  DataParallel<double> parallel(sgd);
  Tape<double> tape;
  const nn::Batch<double> batch = half_batch(4 * static_cast<std::size_t>(world_rank()), 4);
  parallel.backward(tape, testing::batch_loss(tape, net, batch));
  EXPECT_EQ(parallel.last_step().buckets, 1u);
  EXPECT_EQ(parallel.last_step().started_during_sweep, 1u);
  EXPECT_EQ(parallel.last_step().started_before_last_report, 0u);
}

// a is used on every rank, b on rank 0 only, c in the first step only.
TEST(DataParallel, ParametersWithoutGradientFollowOneRuleOnEveryRank) {
  Parameter<double> a(Tensor<double>{1.0, 2.0}, "a"), b(Tensor<double>{3.0}, "b"),
      c(Tensor<double>{-1.0, 0.5}, "c");
  nn::Adam<double> adam({&a, &b, &c}, 0.1);
  DataParallel<double> parallel(adam, {.bucket_bytes = 8});
  const int rank = world_rank();
  const double x = rank == 0 ? 1.0 : 3.0;  // ∂/∂a: x on each rank, mean 2
  Tape<double> tape;
  for (int step = 0; step < 2; ++step) {
    tape.reset();
    Var<double> loss = sum(tape.watch(a) * x);
    if (rank == 0)
      loss = loss + sum(tape.watch(b) * 4.0);  // mean over ranks: 2
    if (step == 0)
      loss = loss + sum(tape.watch(c));
    const Tensor<double> c_before = c.value();
    parallel.backward(tape, loss);
    if (step == 1) {
      // No rank had a gradient for c: Adam left it alone (with its momentum
      // from step 0 it would have moved).
      EXPECT_EQ(c.value(), c_before);
    }
  }
  // Adam's first steps move by ≈ lr·sign(g) whatever |g|: compare with a
  // single-process Adam given the averaged gradients.
  Parameter<double> a1(Tensor<double>{1.0, 2.0}), b1(Tensor<double>{3.0}),
      c1(Tensor<double>{-1.0, 0.5});
  nn::Adam<double> reference({&a1, &b1, &c1}, 0.1);
  for (int step = 0; step < 2; ++step) {
    a1.grad() = Tensor<double>{2.0, 2.0};
    b1.grad() = Tensor<double>{2.0};
    if (step == 0)
      c1.grad() = Tensor<double>{1.0, 1.0};  // 1 on each rank
    else
      c1.zero_grad();
    reference.step();
  }
  EXPECT_EQ(a.value(), a1.value());
  EXPECT_EQ(b.value(), b1.value());
  EXPECT_EQ(c.value(), c1.value());
}

// Two micro-batches of 2 samples per rank, the first under no_sync, give the
// step of one batch of all 8 samples on one rank.
TEST(DataParallel, NoSyncAccumulatesMicroBatchesWithoutCommunicating) {
  const std::size_t first = 4 * static_cast<std::size_t>(world_rank());
  nn::Sequential<double> net = testing::small_mlp();
  nn::Sgd<double> sgd(net.parameters(), 0.5);
  DataParallel<double> parallel(sgd);
  Tape<double> tape;
  {
    auto scope = parallel.no_sync();
    const std::vector<Tensor<double>> before = [&] {
      std::vector<Tensor<double>> values;
      for (Parameter<double>* p : net.parameters())
        values.push_back(p->value());
      return values;
    }();
    parallel.backward(tape, 0.5 * testing::batch_loss(tape, net, half_batch(first, 2)));
    for (std::size_t k = 0; k < before.size(); ++k) {
      EXPECT_EQ(net.parameters()[k]->value(), before[k]);  // no step yet
      EXPECT_FALSE(net.parameters()[k]->grad_is_zero());
    }
    EXPECT_EQ(parallel.last_step().buckets, 0u);  // nothing finished: no step ran
  }
  parallel.backward(tape, 0.5 * testing::batch_loss(tape, net, half_batch(first + 2, 2)));

  nn::Sequential<double> whole = testing::small_mlp();
  nn::Sgd<double> reference(whole.parameters(), 0.5);
  tape.reset();
  tape.backward(testing::batch_loss(tape, whole, half_batch(0, 8)));
  reference.step();
  for (std::size_t k = 0; k < whole.parameters().size(); ++k) {
    EXPECT_LE(
        testing::relative_difference(net.parameters()[k]->value(), whole.parameters()[k]->value()),
        1e-14)
        << whole.parameters()[k]->label();
  }
}

}  // namespace
}  // namespace tapegrad::dist
