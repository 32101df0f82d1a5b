#pragma once
// Checkpoints in a data-parallel job: the weights are equal on every rank, so
// rank 0 alone writes them (nn::save_checkpoint's files), and a checkpoint
// from a job of any number of ranks — or from a single process — loads into
// a job of any other: rank 0 reads it and broadcasts. A failure on rank 0 is
// sent to every rank, which all throw the same FileError: none is left
// waiting.

#include <string>
#include <vector>

#include <mpi.h>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/dist/export.hpp"

namespace tapegrad::dist {

template <class T>
TAPEGRAD_DIST_EXPORT void save_checkpoint(const std::string& directory,
                                          const std::vector<Parameter<T>*>& parameters,
                                          MPI_Comm comm = MPI_COMM_WORLD);

template <class T>
TAPEGRAD_DIST_EXPORT void load_checkpoint(const std::string& directory,
                                          const std::vector<Parameter<T>*>& parameters,
                                          MPI_Comm comm = MPI_COMM_WORLD);

}  // namespace tapegrad::dist
