#pragma once
// A small float64 classification problem for the data-parallel tests: the
// same synthetic data set and the same seeded MLP on every rank.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include <mpi.h>

#include <tapegrad/nn/data_loader.hpp>
#include <tapegrad/nn/random.hpp>
#include <tapegrad/nn/sequential.hpp>
#include <tapegrad/tapegrad.hpp>

namespace tapegrad::dist::testing {

/// This process's rank in MPI_COMM_WORLD.
inline int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

inline nn::Dataset<double> synthetic_data(std::size_t samples, std::size_t features,
                                          std::size_t classes) {
  nn::Rng rng(11);
  nn::Dataset<double> data{Tensor<double>::from_shape({samples, features}),
                           Tensor<double>::from_shape({samples})};
  for (std::size_t i = 0; i < samples; ++i) {
    double score = 0;
    for (std::size_t j = 0; j < features; ++j) {
      data.features(i, j) = rng.normal();
      score += data.features(i, j) * static_cast<double>(j % 3);
    }
    data.labels(i) = static_cast<double>(static_cast<std::size_t>(std::fabs(score)) % classes);
  }
  return data;
}

inline nn::Sequential<double> small_mlp() {
  return nn::mlp<double>({6, 8, 5, 3}, {.hidden = nn::Activation::tanh, .seed = 3});
}

/// Mean cross-entropy of `net` on a batch, recorded on `tape` (reset first).
inline Var<double> batch_loss(Tape<double>& tape, nn::Sequential<double>& net,
                              const nn::Batch<double>& batch) {
  tape.reset();
  return cross_entropy(net(tape.constant(batch.features)), tape.constant(batch.labels));
}

/// max |a − b| / max |b| over the elements of one parameter.
inline double relative_difference(const Tensor<double>& a, const Tensor<double>& b) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    diff = std::max(diff, std::fabs(a.data()[i] - b.data()[i]));
    scale = std::max(scale, std::fabs(b.data()[i]));
  }
  return diff / scale;
}

}  // namespace tapegrad::dist::testing
