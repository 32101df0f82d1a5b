// Ranks must hold the same parameters; the check names the first difference
// on every rank. Broadcast and checkpoints keep ranks' weights equal.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <tapegrad/dist/checkpoint.hpp>
#include <tapegrad/dist/data_parallel.hpp>
#include <tapegrad/dist/parameters.hpp>

#include "dist/mpi/training.hpp"

namespace tapegrad::dist {
namespace {

using testing::world_rank;

// The message every rank gets from DataParallel's construction.
template <class T>
std::string construction_error(std::vector<Parameter<T>*> params) {
  nn::Sgd<T> sgd(std::move(params), T(0.1));
  try {
    DataParallel<T> parallel(sgd);
  } catch (const ValueError& error) {
    return error.what();
  }
  return "no error";
}

TEST(DataParallelConsistency, ShapeMismatchNamesParameterAndRanks) {
  // Rank 1's second layer has 9 inputs where rank 0's has 8.
  const std::size_t hidden = world_rank() == 1 ? 9 : 8;
  nn::Sequential<double> odd = nn::mlp<double>({6, hidden, 5, 3}, {.seed = 1});
  EXPECT_EQ(construction_error(odd.parameters()),
            "tapegrad: dist::DataParallel: the ranks' parameters differ: parameter 0 'fc1.W' is "
            "(8, 6) float64 on rank 0, (9, 6) float64 on rank 1");
}

TEST(DataParallelConsistency, MissingTrailingParameterIsNamed) {
  Parameter<float> w(Tensor<float>{{1.0f, 2.0f}}, "w"), b(Tensor<float>{0.5f}, "b");
  std::vector<Parameter<float>*> params{&w};
  if (world_rank() == 0)
    params.push_back(&b);
  const std::string expected =
      world_rank() == 0
          ? "tapegrad: dist::DataParallel: the ranks' parameters differ: parameter 1 'b' is "
            "(1,) float32 on rank 0, absent (it has 1 parameters) on rank 1"
          : "tapegrad: dist::DataParallel: the ranks' parameters differ: parameter 1 is (1,) "
            "float32 on rank 0, absent (it has 1 parameters) on rank 1";
  EXPECT_EQ(construction_error(params), expected);
}

TEST(DataParallelConsistency, ConstructionMakesRankZerosWeightsEveryones) {
  nn::Sequential<double> net =
      nn::mlp<double>({6, 5, 3}, {.seed = static_cast<std::uint64_t>(10 + world_rank())});
  nn::Sequential<double> root = nn::mlp<double>({6, 5, 3}, {.seed = 10});
  nn::Sgd<double> sgd(net.parameters(), 0.1);
  DataParallel<double> parallel(sgd);
  for (std::size_t k = 0; k < root.parameters().size(); ++k)
    EXPECT_EQ(net.parameters()[k]->value(), root.parameters()[k]->value());
}

TEST(DistCheckpoint, RankZeroWritesAndEveryRankLoads) {
  const std::string dir = std::string(TAPEGRAD_DIST_SCRATCH) + "/checkpoint";
  nn::Sequential<double> net = nn::mlp<double>({4, 3}, {.seed = 2});
  if (world_rank() == 0)
    std::filesystem::remove_all(dir);
  MPI_Barrier(MPI_COMM_WORLD);
  save_checkpoint(dir, net.parameters());
  EXPECT_TRUE(std::filesystem::exists(dir + "/fc1.W.npy"));  // a shared file system here

  nn::Sequential<double> other = nn::mlp<double>({4, 3}, {.seed = 9});
  load_checkpoint(dir, other.parameters());
  for (std::size_t k = 0; k < net.parameters().size(); ++k)
    EXPECT_EQ(other.parameters()[k]->value(), net.parameters()[k]->value());
  // Loadable by a single process too.
  nn::Sequential<double> alone = nn::mlp<double>({4, 3}, {.seed = 9});
  nn::load_checkpoint(dir, alone.parameters());
  EXPECT_EQ(alone.parameters()[0]->value(), net.parameters()[0]->value());
}

TEST(DistCheckpoint, FailureOnRankZeroThrowsOnEveryRank) {
  nn::Sequential<double> net = nn::mlp<double>({4, 3}, {.seed = 2});
  try {
    load_checkpoint(std::string(TAPEGRAD_DIST_SCRATCH) + "/no-such-checkpoint", net.parameters());
    FAIL() << "no error";
  } catch (const FileError& error) {
    EXPECT_NE(std::string(error.what()).find("dist::checkpoint: rank 0: "), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("no-such-checkpoint"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace tapegrad::dist
