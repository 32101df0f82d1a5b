#pragma once
// Items by node id, in fixed-size contiguous chunks. Growing never moves an
// item, so a reference to a node's value or gradient (x.value()) stays valid
// while more nodes are recorded, and an op's backprop may record new nodes (as
// symbol-to-symbol differentiation does) without invalidating its context.

#include <cstddef>
#include <memory>
#include <vector>

#include "tapegrad/core/node.hpp"

namespace tapegrad {

template <class Item>
class ChunkedStore {
 public:
  static constexpr std::size_t kChunkBits = 8;
  static constexpr std::size_t kChunkSize = std::size_t{1} << kChunkBits;

  Item& operator[](std::size_t id) noexcept {
    return chunks_[id >> kChunkBits][id & (kChunkSize - 1)];
  }
  const Item& operator[](std::size_t id) const noexcept {
    return chunks_[id >> kChunkBits][id & (kChunkSize - 1)];
  }

  /// Items that exist (live or kept for reuse).
  std::size_t capacity() const noexcept { return chunks_.size() * kChunkSize; }
  void grow() { chunks_.push_back(std::make_unique<Item[]>(kChunkSize)); }
  /// Grows until item `size - 1` exists.
  void reserve(std::size_t size) {
    while (capacity() < size)
      grow();
  }

 private:
  std::vector<std::unique_ptr<Item[]>> chunks_;
};

/// Nodes and their NodeData, linked once when a chunk is made.
template <class T>
class NodeStore {
 public:
  Node<T>& operator[](std::size_t id) noexcept { return nodes_[id]; }
  const Node<T>& operator[](std::size_t id) const noexcept { return nodes_[id]; }
  std::size_t capacity() const noexcept { return nodes_.capacity(); }
  void grow() {
    const std::size_t first = nodes_.capacity();
    data_.grow();
    nodes_.grow();
    for (std::size_t id = first; id < nodes_.capacity(); ++id)
      nodes_[id].data = &data_[id];
  }

 private:
  ChunkedStore<Node<T>> nodes_;
  ChunkedStore<NodeData<T>> data_;
};

}  // namespace tapegrad
