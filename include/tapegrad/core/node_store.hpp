#pragma once
// The tape's nodes, in fixed-size contiguous chunks. Growing never moves a
// node, so a reference to a value or gradient (x.value()) stays valid while
// more nodes are recorded, and an op's backprop may record new nodes (as
// symbol-to-symbol differentiation does) without invalidating its context.

#include <cstddef>
#include <memory>
#include <vector>

#include "tapegrad/core/node.hpp"

namespace tapegrad {

template <class T>
class NodeStore {
 public:
  static constexpr std::size_t kChunkBits = 8;
  static constexpr std::size_t kChunkSize = std::size_t{1} << kChunkBits;

  Node<T>& operator[](std::size_t id) noexcept {
    return chunks_[id >> kChunkBits][id & (kChunkSize - 1)];
  }
  const Node<T>& operator[](std::size_t id) const noexcept {
    return chunks_[id >> kChunkBits][id & (kChunkSize - 1)];
  }

  /// Nodes that exist (live or kept for reuse).
  std::size_t capacity() const noexcept { return chunks_.size() * kChunkSize; }
  void grow() { chunks_.push_back(std::make_unique<Node<T>[]>(kChunkSize)); }

 private:
  std::vector<std::unique_ptr<Node<T>[]>> chunks_;
};

}  // namespace tapegrad
