#pragma once
// Var: a cheap handle to one node of one tape (tape pointer, node id and the
// tape's generation, so a handle kept across reset() is caught, not misread).
// Operators and free functions on Vars record new nodes (see tapegrad/ops/).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tapegrad/core/node_id.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

template <class T>
class Tape;

template <class T>
class Var {
 public:
  using value_type = T;

  /// An empty handle; using it in an op is an error.
  Var() = default;

  Tape<T>* tape() const noexcept { return tape_; }
  NodeId id() const noexcept { return id_; }
  std::uint32_t generation() const noexcept { return generation_; }
  bool valid() const noexcept { return tape_ != nullptr; }

  const Tensor<T>& value() const;
  /// ∂output/∂this after the last backward (zeros when no path reached it).
  const Tensor<T>& grad() const;
  const Shape& shape() const;
  std::size_t rank() const { return shape().size(); }
  std::size_t size() const { return value().size(); }
  /// The value of a one-element Var.
  T item() const;
  /// Names the node for printouts and error messages; returns the same Var.
  Var label(std::string_view name) const;

 private:
  friend class Tape<T>;
  Var(Tape<T>* tape, NodeId id, std::uint32_t generation) noexcept
      : tape_(tape), id_(id), generation_(generation) {}

  Tape<T>* tape_ = nullptr;
  NodeId id_ = 0;
  std::uint32_t generation_ = 0;
};

}  // namespace tapegrad

#include "tapegrad/core/tape.hpp"  // Var's member definitions need Tape.
