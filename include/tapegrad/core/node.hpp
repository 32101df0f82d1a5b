#pragma once
// One entry of a tape's Wengert list. Nodes live in chunked storage owned by
// the tape (node_store.hpp); edges are node ids stored in a second vector, so
// recording allocates nothing per node once the tape has warmed up: reset()
// keeps each node's tensors, and the next recording at the same position
// reuses their buffers when the shape's size is unchanged. Gradients are not
// here: they belong to a sweep (sweep.hpp).
//
// Scalars are flat: a rank-0 leaf, or the output of an op's scalar kernel
// (Operation::scalar_forward) on flat inputs, keeps its value in `scalar`,
// with no tensor touched; own_value mirrors it only when someone asks for the
// tensor (value()). Their gradients are flat in the sweep likewise, and their
// backprop is the partials the recording took (edge_list.hpp).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/core/node_id.hpp"
#include "tapegrad/core/parameter.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

template <class T>
class Operation;

/// Inputs a scalar kernel can take (Operation::scalar_forward).
inline constexpr std::size_t kScalarInputs = 4;

/// The parts of a node the recording and the sweep seldom touch, kept apart
/// so that the nodes themselves stay small (64 bytes for double: one cache
/// line) and a sweep over scalars walks little memory.
template <class T>
struct NodeData {
  /// The value, for a node that is not flat (or a flat one's mirror).
  Tensor<T> own_value;
  /// What the op kept for backprop (its first `saved_count` entries).
  std::vector<Tensor<T>> saved;
  /// A watch's parameter's lifetime cell and the generation it had when
  /// watched (checked before `parameter` is ever read: see lifetime.hpp).
  const detail::Lifetime* parameter_lifetime = nullptr;
  std::uint64_t parameter_generation = 0;
};

/// A node's name (Var::label): 8 bytes, as most nodes have none; the text is
/// allocated on the first name and its buffer kept when the node is reused.
class NodeLabel {
 public:
  NodeLabel() = default;
  NodeLabel(const NodeLabel& other) : text_(other.empty() ? nullptr : new std::string(other)) {}
  NodeLabel& operator=(const NodeLabel& other) {
    if (this != &other)
      *this = std::string_view(other.str());
    return *this;
  }
  ~NodeLabel() { delete text_; }

  NodeLabel& operator=(std::string_view text) {
    if (text_)
      text_->assign(text);
    else if (!text.empty())
      text_ = new std::string(text);
    return *this;
  }
  void clear() noexcept {
    if (text_) [[unlikely]]
      text_->clear();
  }
  bool empty() const noexcept { return !text_ || text_->empty(); }
  const std::string& str() const noexcept { return text_ ? *text_ : none(); }
  operator const std::string&() const noexcept { return str(); }
  friend bool operator==(const NodeLabel& label, std::string_view text) noexcept {
    return std::string_view(label.str()) == text;
  }

 private:
  static const std::string& none() noexcept {
    static const std::string empty;
    return empty;
  }
  std::string* text_ = nullptr;
};

template <class T>
struct Node {
  /// The op that produced this node; null for a leaf.
  const Operation<T>* op = nullptr;
  /// Set for a watched parameter: its value and gradient live there.
  Parameter<T>* parameter = nullptr;
  /// This node's NodeData (set once by the node store).
  NodeData<T>* data = nullptr;
  std::uint32_t first_input = 0;  // into the tape's edge vector
  std::uint32_t input_count = 0;
  std::uint32_t saved_count = 0;  // live entries of `saved`
  bool requires_grad = false;
  bool released = false;          // saved state freed by backward(release_saved)
  bool flat = false;              // the value is `scalar` (see above)
  mutable bool mirrored = false;  // own_value holds `scalar` too
  /// A flat node's inputs that need a gradient: bit k for input k.
  std::uint8_t grad_inputs = 0;
  T scalar = T(0);

  NodeLabel label;

  bool is_leaf() const noexcept { return op == nullptr; }
  const Tensor<T>& value() const {
    if (parameter)
      return parameter->value();
    if (flat && !mirrored) [[unlikely]] {
      data->own_value.resize(Shape{});
      *data->own_value.data() = scalar;
      mirrored = true;
    }
    return data->own_value;
  }
  /// Number of elements of the value, without mirroring a flat one.
  std::size_t size() const { return flat ? 1 : value().size(); }
  const Shape& shape() const noexcept { return value().shape(); }
};

}  // namespace tapegrad
