#pragma once
// MPI for one process of a data-parallel job: initialised when the Context
// is built, finalised when it is destroyed (unless someone else initialised
// MPI first; then it is left to them).
//
// Thread level: MPI_THREAD_FUNNELED — only the thread that built the Context
// calls MPI. OpenBLAS's worker threads never do, so matrix products may use
// several threads per rank.
//
// Failure: an exception on one rank must not leave the others waiting in a
// collective it will never join. Context::run(body) runs the training code
// and, when it throws, prints `tapegrad::dist: rank R of N failed: <what()>`
// on stderr and calls MPI_Abort, which makes mpirun end every rank.

#include <functional>

#include <mpi.h>

#include "tapegrad/dist/export.hpp"

namespace tapegrad::dist {

class TAPEGRAD_DIST_EXPORT Context {
 public:
  /// Throws tapegrad::Error when MPI cannot give MPI_THREAD_FUNNELED.
  Context();
  Context(int& argc, char**& argv);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  MPI_Comm comm() const noexcept { return MPI_COMM_WORLD; }
  /// The thread level MPI provides (at least MPI_THREAD_FUNNELED).
  int thread_level() const noexcept { return thread_level_; }

  /// Runs `body`; returns 0 when it returns. When it throws, reports the
  /// exception's message with this rank on stderr and ends all ranks with
  /// MPI_Abort (exit status 1): no rank is left waiting.
  int run(const std::function<void()>& body) const noexcept;

 private:
  void init(int* argc, char*** argv);

  bool owns_mpi_ = false;
  int rank_ = 0;
  int size_ = 1;
  int thread_level_ = 0;
};

}  // namespace tapegrad::dist
