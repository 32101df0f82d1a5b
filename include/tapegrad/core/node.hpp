#pragma once
// One entry of a tape's Wengert list. Nodes live in one contiguous vector
// owned by the tape; edges are node ids stored in a second vector, so
// recording allocates nothing per node once the tape has warmed up: reset()
// keeps each node's tensors, and the next recording at the same position
// reuses their buffers when the shape's size is unchanged.

#include <cstdint>
#include <string>
#include <vector>

#include "tapegrad/core/node_id.hpp"
#include "tapegrad/core/parameter.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

template <class T>
class Operation;

template <class T>
struct Node {
  /// The op that produced this node; null for a leaf.
  const Operation<T>* op = nullptr;
  /// Set for a watched parameter: its value and gradient live there.
  Parameter<T>* parameter = nullptr;
  std::uint32_t first_input = 0;  // into the tape's edge vector
  std::uint32_t input_count = 0;
  std::uint32_t saved_count = 0;  // live entries of `saved`
  bool requires_grad = false;
  bool released = false;  // saved state freed by backward(release_saved)
  /// The backward sweep that last sent this node a gradient (0: none). A
  /// gradient is current when this equals the tape's sweep counter, so
  /// starting a sweep never has to visit every node to clear a flag.
  std::uint32_t grad_sweep = 0;
  /// The sweep in which this watched parameter's optimiser update is written
  /// straight into its value by the one op that reads it (see GradSlot::direct;
  /// 0: none); its scale is the parameter's direct_update_scale().
  std::uint32_t direct_sweep = 0;

  Tensor<T> own_value;
  Tensor<T> own_grad;
  std::vector<Tensor<T>> saved;
  std::string label;

  bool is_leaf() const noexcept { return op == nullptr; }
  const Tensor<T>& value() const noexcept { return parameter ? parameter->value() : own_value; }
  const Tensor<T>& grad() const noexcept { return parameter ? parameter->grad() : own_grad; }
  const Shape& shape() const noexcept { return value().shape(); }
};

/// A gradient buffer about to receive a contribution. `fresh` means it holds
/// nothing yet in this sweep (its contents are stale): assign, don't add.
///
/// `direct` slots go only to ops whose accepts_direct_update(i) is true: the
/// tensor is then the watched parameter's value itself, and the op adds
/// BackpropContext::direct_scale(i) × contribution to it — the optimiser's
/// whole update (−α∇θ for SGD), with no gradient buffer in between. Such a
/// slot is never fresh, and add() does not apply the scale. (16 bytes, so it
/// is returned in registers: every backprop asks for one.)
template <class T>
struct GradSlot {
  Tensor<T>& tensor;
  bool fresh;
  bool direct = false;

  /// Adds one element's contribution at flat index i (assigns when fresh).
  void add(std::size_t i, T contribution) const noexcept {
    T& target = tensor.data()[i];
    target = fresh ? contribution : target + contribution;
  }
};

/// The slot through which every contribution to `node`'s gradient in sweep
/// `sweep` flows, so that fan-out sums and a parameter keeps accumulating
/// across backwards. A sweep that must leave parameters alone (gradient()
/// without create_graph) passes into_parameters = false: a watched
/// parameter's node then keeps its gradient like any other node.
template <class T>
GradSlot<T> grad_slot(Node<T>& node, std::uint32_t sweep, bool into_parameters = true) {
  if (node.parameter && into_parameters) {
    if (node.direct_sweep == sweep) {
      node.grad_sweep = sweep;
      return {node.parameter->value(), false, true};
    }
    const auto [grad, fresh] = node.parameter->accumulation_target();
    node.grad_sweep = sweep;
    return {*grad, fresh};
  }
  const bool fresh = node.grad_sweep != sweep;
  if (fresh) {
    if (node.own_grad.shape() != node.shape())
      node.own_grad.resize(node.shape());
    node.grad_sweep = sweep;
  }
  return {node.own_grad, fresh};
}

}  // namespace tapegrad
