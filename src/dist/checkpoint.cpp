#include "tapegrad/dist/checkpoint.hpp"

#include <exception>

#include "tapegrad/core/error.hpp"
#include "tapegrad/dist/parameters.hpp"
#include "tapegrad/nn/checkpoint.hpp"

namespace tapegrad::dist {

namespace {

// Runs `work` on rank 0 and tells every rank whether it threw; all then throw
// a FileError with rank 0's message.
template <class Work>
void on_rank0(Work&& work, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string message;
  if (rank == 0) {
    try {
      work();
    } catch (const std::exception& error) {
      message = error.what();
      if (message.empty())
        message = "failed";
    }
  }
  int length = static_cast<int>(message.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  if (length == 0)
    return;
  message.resize(static_cast<std::size_t>(length));
  MPI_Bcast(message.data(), length, MPI_CHAR, 0, comm);
  throw FileError("rank 0: " + message, {"dist::checkpoint", std::nullopt, {}});
}

}  // namespace

template <class T>
void save_checkpoint(const std::string& directory, const std::vector<Parameter<T>*>& parameters,
                     MPI_Comm comm) {
  on_rank0([&] { nn::save_checkpoint(directory, parameters); }, comm);
}

template <class T>
void load_checkpoint(const std::string& directory, const std::vector<Parameter<T>*>& parameters,
                     MPI_Comm comm) {
  on_rank0([&] { nn::load_checkpoint(directory, parameters); }, comm);
  broadcast_parameters(parameters, 0, comm);
}

template void save_checkpoint(const std::string&, const std::vector<Parameter<float>*>&, MPI_Comm);
template void save_checkpoint(const std::string&, const std::vector<Parameter<double>*>&, MPI_Comm);
template void load_checkpoint(const std::string&, const std::vector<Parameter<float>*>&, MPI_Comm);
template void load_checkpoint(const std::string&, const std::vector<Parameter<double>*>&, MPI_Comm);

}  // namespace tapegrad::dist
