#pragma once
// A tape's edges: the input ids of every node, one node's after another's
// (a node keeps the offset of its first). It grows like a vector, but
// appending a node's inputs costs one capacity check, not one per input: it
// is on the hot path of every scalar op.

#include <algorithm>
#include <cstddef>
#include <memory>

#include "tapegrad/core/node_id.hpp"

namespace tapegrad {

class EdgeList {
 public:
  std::size_t size() const noexcept { return size_; }
  const NodeId* data() const noexcept { return data_.get(); }

  /// Makes room for `count` more edges at the end and returns the first.
  NodeId* append(std::size_t count) {
    if (capacity_ - size_ < count) [[unlikely]]
      grow(count);
    NodeId* first = data_.get() + size_;
    size_ += count;
    return first;
  }
  /// Forgets the edges from `size` on (a rolled-back recording).
  void truncate(std::size_t size) noexcept { size_ = std::min(size, size_); }
  void clear() noexcept { size_ = 0; }

 private:
  [[gnu::noinline]] void grow(std::size_t count) {
    const std::size_t capacity = std::max({2 * capacity_, size_ + count, std::size_t{1024}});
    std::unique_ptr<NodeId[]> data(new NodeId[capacity]);
    std::copy(data_.get(), data_.get() + size_, data.get());
    data_ = std::move(data);
    capacity_ = capacity;
  }

  std::unique_ptr<NodeId[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace tapegrad
