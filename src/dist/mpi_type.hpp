#pragma once
// The MPI datatype of a tensor element.

#include <mpi.h>

namespace tapegrad::dist::detail {

template <class T>
MPI_Datatype mpi_type() noexcept {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8, "float or double");
  return sizeof(T) == 4 ? MPI_FLOAT : MPI_DOUBLE;
}

}  // namespace tapegrad::dist::detail
