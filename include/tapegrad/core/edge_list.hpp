#pragma once
// A tape's edges: the input ids of every node, one node's after another's
// (a node keeps the offset of its first). It grows like a vector, but the
// tape makes room for a node's inputs and the node itself in one check
// (Tape::next_node), so appending them checks nothing: it is on the hot
// path of every scalar op.
//
// Beside each edge, the local partial ∂node/∂input of a flat node (node.hpp),
// taken when the node is recorded: the reverse sweep of a scalar tape then
// multiplies and adds, with neither the op nor the inputs' values to visit.
// (Other nodes leave theirs unset.)

#include <algorithm>
#include <cstddef>
#include <memory>

#include "tapegrad/core/node_id.hpp"

namespace tapegrad {

template <class T>
class EdgeList {
 public:
  std::size_t size() const noexcept { return size_; }
  const NodeId* data() const noexcept { return ids_.get(); }
  /// The partials, by edge offset (as data()).
  T* partials() noexcept { return partials_.get(); }
  const T* partials() const noexcept { return partials_.get(); }

  std::size_t capacity() const noexcept { return capacity_; }
  /// Makes room for `count` more edges.
  void reserve(std::size_t count) {
    if (capacity_ - size_ < count)
      grow(count);
  }
  /// Appends `count` edges, for which reserve() made room, and returns the
  /// first. (The tape makes room for a node's edges and the node in one
  /// check: Tape::next_node.)
  NodeId* append_reserved(std::size_t count) noexcept {
    NodeId* first = ids_.get() + size_;
    size_ += count;
    return first;
  }
  /// Forgets the edges from `size` on (a rolled-back recording).
  void truncate(std::size_t size) noexcept { size_ = std::min(size, size_); }
  void clear() noexcept { size_ = 0; }

 private:
  void grow(std::size_t count) {
    const std::size_t capacity = std::max({2 * capacity_, size_ + count, std::size_t{1024}});
    std::unique_ptr<NodeId[]> ids(new NodeId[capacity]);
    std::unique_ptr<T[]> partials(new T[capacity]);
    std::copy(ids_.get(), ids_.get() + size_, ids.get());
    std::copy(partials_.get(), partials_.get() + size_, partials.get());
    ids_ = std::move(ids);
    partials_ = std::move(partials);
    capacity_ = capacity;
  }

  std::unique_ptr<NodeId[]> ids_;
  std::unique_ptr<T[]> partials_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace tapegrad
