#pragma once
// Parameters across ranks: every rank must hold the same list (count, shapes,
// dtype) before they can be broadcast or their gradients all-reduced.

#include <string_view>
#include <vector>

#include <mpi.h>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/dist/export.hpp"

namespace tapegrad::dist {

/// Compares the ranks' parameter signatures (count; shape and dtype of each).
/// On a mismatch every rank throws the same ValueError, prefixed by `who`,
/// naming the first differing parameter (index, label, shape and dtype) and
/// the ranks that differ from rank 0. Collective: every rank of `comm` calls it.
template <class T>
TAPEGRAD_DIST_EXPORT void check_same_parameters(const std::vector<Parameter<T>*>& parameters,
                                                std::string_view who,
                                                MPI_Comm comm = MPI_COMM_WORLD);

/// Makes every rank's parameter values equal to root's (after
/// check_same_parameters), so all ranks start from the same weights.
template <class T>
TAPEGRAD_DIST_EXPORT void broadcast_parameters(const std::vector<Parameter<T>*>& parameters,
                                               int root = 0, MPI_Comm comm = MPI_COMM_WORLD);

}  // namespace tapegrad::dist
