#include "tapegrad/dist/context.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include <fmt/format.h>

#include "tapegrad/core/error.hpp"

namespace tapegrad::dist {

namespace {

// Reports first, so the message is on stderr before mpirun kills the others.
[[noreturn]] void abort_all(int rank, int size, const char* what) noexcept {
  std::fprintf(stderr, "tapegrad::dist: rank %d of %d failed: %s\n", rank, size, what);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::abort();  // MPI_Abort does not return; the compiler does not know it
}

}  // namespace

Context::Context() {
  init(nullptr, nullptr);
}

Context::Context(int& argc, char**& argv) {
  init(&argc, &argv);
}

void Context::init(int* argc, char*** argv) {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (initialised) {
    MPI_Query_thread(&thread_level_);
  } else {
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &thread_level_);
    owns_mpi_ = true;
  }
  if (thread_level_ < MPI_THREAD_FUNNELED) {
    throw Error(
        fmt::format("MPI provides thread level {}, below MPI_THREAD_FUNNELED", thread_level_),
        {"dist::Context", std::nullopt, {}});
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Context::~Context() {
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (owns_mpi_ && !finalised)
    MPI_Finalize();
}

int Context::run(const std::function<void()>& body) const noexcept {
  try {
    body();
    return 0;
  } catch (const std::exception& error) {
    abort_all(rank_, size_, error.what());
  } catch (...) {
    abort_all(rank_, size_, "an exception that is not a std::exception");
  }
}

}  // namespace tapegrad::dist
