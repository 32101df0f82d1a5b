#pragma once
// Var: a cheap handle to one node of one tape (16 bytes, passed in two
// registers): the index of the tape's lifetime cell and the node id, packed
// in one word, and the generation the tape had when the node was recorded. A handle
// kept across reset() or past its tape's destruction is caught, never misread
// (lifetime.hpp). Operators and free functions on Vars record new nodes (see
// tapegrad/ops/).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tapegrad/core/lifetime.hpp"
#include "tapegrad/core/node_id.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

template <class T>
class Tape;
namespace detail {
template <class T>
struct FlatRecorder;
}  // namespace detail

template <class T>
class Var {
 public:
  using value_type = T;

  /// An empty handle; using it in an op is an error.
  Var() = default;

  /// The tape; throws StaleVarError when the handle is empty or stale (its
  /// tape was reset or destroyed since).
  Tape<T>* tape() const { return &live_tape("tape"); }
  /// The same, naming `op` in the error.
  Tape<T>& live_tape(std::string_view op) const;
  NodeId id() const noexcept { return static_cast<NodeId>(slot_ >> 32); }
  std::uint64_t generation() const noexcept { return generation_; }
  /// Whether the handle is not empty (it may still be stale).
  bool valid() const noexcept { return cell() != 0; }
  /// Whether the handle's tape exists and was not reset since.
  bool live() const noexcept {
    return cell() != 0 && detail::lifetime_at(cell()).alive(generation_);
  }

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
  friend struct detail::FlatRecorder<T>;
  Var(std::uint32_t cell, NodeId id, std::uint64_t generation) noexcept
      : slot_(cell | std::uint64_t{id} << 32), generation_(generation) {}
  std::uint32_t cell() const noexcept { return static_cast<std::uint32_t>(slot_); }

  // The cell in the low half (0: empty), the id in the high: two fields of
  // one word would make GCC spill the handle to read the id, a store-to-load
  // round trip in every chain of scalar ops.
  std::uint64_t slot_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace tapegrad

#include "tapegrad/core/tape.hpp"  // Var's member definitions need Tape.
