#pragma once
// Storage for the ops a tape owns — those it builds itself, by type
// (apply<Op>(), ops with attributes such as pow's exponent) or by name
// (apply("pow", …), through the registry's factory): objects are placed one
// after another in blocks that clear() keeps, so a training loop recording
// the same graph every step allocates nothing for its ops after the first
// step. The only other way onto a tape is record(op), which borrows an op
// that outlives the recording (a built-in's static instance).

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "tapegrad/core/operation.hpp"

namespace tapegrad {

template <class T>
class OpArena {
 public:
  OpArena() = default;
  OpArena(const OpArena&) = delete;
  OpArena& operator=(const OpArena&) = delete;
  ~OpArena() { clear(); }

  /// Constructs `Op(args...)` in the arena; it lives until clear().
  template <class Op, class... Args>
  const Op& make(Args&&... args) {
    static_assert(alignof(Op) <= alignof(std::max_align_t), "over-aligned ops are not supported");
    void* place = allocate(sizeof(Op));
    const Op* op = ::new (place) Op(std::forward<Args>(args)...);
    live_.push_back(op);
    return *op;
  }

  /// Destroys the most recent op (a recording that failed).
  void pop() {
    live_.back()->~Operation<T>();
    live_.pop_back();
  }

  /// Destroys every op, keeping the memory for the next ones.
  void clear() noexcept {
    for (auto it = live_.rbegin(); it != live_.rend(); ++it)
      (*it)->~Operation<T>();
    live_.clear();
    block_ = 0;
    offset_ = 0;
  }

 private:
  static constexpr std::size_t kBlockSize = 4096;
  static constexpr std::size_t kAlign = alignof(std::max_align_t);

  struct Block {
    std::unique_ptr<std::byte[]> memory;
    std::size_t size;
  };

  void* allocate(std::size_t size) {
    size = (size + kAlign - 1) / kAlign * kAlign;
    while (block_ < blocks_.size() && offset_ + size > blocks_[block_].size) {
      ++block_;
      offset_ = 0;
    }
    if (block_ == blocks_.size()) {
      const std::size_t block_size = std::max(kBlockSize, size);
      // new[] of std::byte is aligned for any fundamental type.
      blocks_.push_back({std::make_unique<std::byte[]>(block_size), block_size});
      offset_ = 0;
    }
    void* place = blocks_[block_].memory.get() + offset_;
    offset_ += size;
    return place;
  }

  std::vector<Block> blocks_;
  std::size_t block_ = 0;   // block being filled
  std::size_t offset_ = 0;  // first free byte in it
  std::vector<const Operation<T>*> live_;
};

}  // namespace tapegrad
