#include "tapegrad/dist/parameters.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "dist/mpi_type.hpp"
#include "tapegrad/core/error.hpp"

namespace tapegrad::dist {

namespace {

// A parameter list as numbers: count, then per parameter the element size,
// the rank and the extents. Every rank gathers every rank's list.
template <class T>
std::vector<std::uint64_t> encode(const std::vector<Parameter<T>*>& parameters) {
  std::vector<std::uint64_t> code{parameters.size()};
  for (const Parameter<T>* p : parameters) {
    code.push_back(sizeof(T));
    code.push_back(p->shape().size());
    code.insert(code.end(), p->shape().begin(), p->shape().end());
  }
  return code;
}

struct Signature {
  std::uint64_t element_size = 0;
  Shape shape;
  bool operator==(const Signature&) const = default;
};

std::vector<Signature> decode(const std::uint64_t* code) {
  std::vector<Signature> list(code[0]);
  std::size_t at = 1;
  for (Signature& s : list) {
    s.element_size = code[at];
    const std::uint64_t rank = code[at + 1];
    s.shape.assign(code + at + 2, code + at + 2 + rank);
    at += 2 + rank;
  }
  return list;
}

std::string describe(const std::vector<Signature>& list, std::size_t k) {
  if (k >= list.size())
    return fmt::format("absent (it has {} parameters)", list.size());
  return fmt::format("{} {}", shape_to_string(list[k].shape),
                     list[k].element_size == 4 ? "float32" : "float64");
}

std::vector<std::vector<Signature>> gather_signatures(const std::vector<std::uint64_t>& mine,
                                                      MPI_Comm comm) {
  int size = 0;
  MPI_Comm_size(comm, &size);
  std::vector<int> lengths(static_cast<std::size_t>(size));
  const int length = static_cast<int>(mine.size());
  MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, comm);
  std::vector<int> offsets(lengths.size(), 0);
  for (std::size_t r = 1; r < lengths.size(); ++r)
    offsets[r] = offsets[r - 1] + lengths[r - 1];
  std::vector<std::uint64_t> all(static_cast<std::size_t>(offsets.back() + lengths.back()));
  MPI_Allgatherv(mine.data(), length, MPI_UINT64_T, all.data(), lengths.data(), offsets.data(),
                 MPI_UINT64_T, comm);
  std::vector<std::vector<Signature>> lists;
  for (int offset : offsets)
    lists.push_back(decode(all.data() + offset));
  return lists;
}

}  // namespace

template <class T>
void check_same_parameters(const std::vector<Parameter<T>*>& parameters, std::string_view who,
                           MPI_Comm comm) {
  const auto lists = gather_signatures(encode(parameters), comm);
  // The first parameter at which any rank differs from rank 0 (the same
  // answer on every rank, since every rank holds every list).
  std::optional<std::size_t> first;
  for (std::size_t r = 1; r < lists.size(); ++r) {
    const std::size_t common = std::min(lists[0].size(), lists[r].size());
    std::size_t k = 0;
    while (k < common && lists[0][k] == lists[r][k])
      ++k;
    if ((k < common || lists[0].size() != lists[r].size()) && (!first || k < *first))
      first = k;
  }
  if (!first)
    return;
  const std::size_t k = *first;
  std::string others;
  for (std::size_t r = 1; r < lists.size(); ++r) {
    const bool same = k < lists[0].size() && k < lists[r].size() && lists[0][k] == lists[r][k];
    if (!same)
      others += fmt::format(", {} on rank {}", describe(lists[r], k), r);
  }
  const std::string label =
      k < parameters.size() ? fmt::format(" '{}'", parameters[k]->label()) : "";
  throw ValueError(fmt::format("the ranks' parameters differ: parameter {}{} is {} on rank 0{}", k,
                               label, describe(lists[0], k), others),
                   {std::string(who), std::nullopt, {}});
}

template <class T>
void broadcast_parameters(const std::vector<Parameter<T>*>& parameters, int root, MPI_Comm comm) {
  check_same_parameters(parameters, "dist::broadcast_parameters", comm);
  for (Parameter<T>* p : parameters) {
    MPI_Bcast(p->value().data(), static_cast<int>(p->value().size()), detail::mpi_type<T>(), root,
              comm);
  }
}

template void check_same_parameters(const std::vector<Parameter<float>*>&, std::string_view,
                                    MPI_Comm);
template void check_same_parameters(const std::vector<Parameter<double>*>&, std::string_view,
                                    MPI_Comm);
template void broadcast_parameters(const std::vector<Parameter<float>*>&, int, MPI_Comm);
template void broadcast_parameters(const std::vector<Parameter<double>*>&, int, MPI_Comm);

}  // namespace tapegrad::dist
