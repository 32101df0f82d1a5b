#pragma once
// One reverse sweep's state, kept outside the nodes: the gradient (adjoint)
// of every node the sweep reaches, by node id, and the rule for a gradient
// that reaches a watched parameter. A tape keeps one Sweep for backward(),
// whose gradients grad() reads until the next backward, and runs numeric
// gradient() through a second one, so neither disturbs the other. Buffers are
// kept across sweeps and reset(): a training loop allocates nothing here
// after its first step.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tapegrad/core/node.hpp"
#include "tapegrad/core/node_store.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

/// A gradient buffer about to receive a contribution. `fresh` means it holds
/// nothing yet in this sweep (its contents are stale): assign, don't add.
/// A `direct` slot is a watched parameter's value itself (see
/// direct_update.hpp): add BackpropContext::direct_scale(i) × contribution;
/// it is never fresh and add() does not apply the scale. (16 bytes, so it is
/// returned in registers: every backprop asks for one.)
template <class T>
struct GradSlot {
  Tensor<T>& tensor;
  bool fresh;
  bool direct = false;

  /// Adds one element's contribution at flat index i < tensor.size()
  /// (assigns when fresh). The index is checked only in builds without NDEBUG.
  void add(std::size_t i, T contribution) const noexcept {
    assert(i < tensor.size() && "GradSlot::add: index past the gradient's end");
    T& target = tensor.data()[i];
    target = fresh ? contribution : target + contribution;
  }
};

/// Where a gradient reaching a watched parameter goes.
enum class ParameterRule : std::uint8_t {
  /// Into Parameter::grad(), accumulating across backwards until zero_grad()
  /// (backward()); for a watch planned as a direct update, the optimiser's
  /// update goes straight into the value.
  accumulate,
  /// Into the sweep, like any node's gradient (numeric gradient()).
  keep_in_sweep,
};

/// What one backprop sent one input, kept apart for an observer (trace,
/// anomaly mode). An input used at several positions gets one entry, at its
/// first position, holding the sum.
template <class T>
struct Contribution {
  std::size_t position = 0;  // among the op's inputs
  NodeId input = 0;
  Tensor<T> gradient;
};

template <class T>
class Sweep {
 public:
  /// Starts a sweep that may reach nodes [0, end) of `nodes`, forgetting the
  /// last one's gradients (their buffers are kept) and direct updates.
  void start(NodeStore<T>& nodes, std::size_t end, ParameterRule rule) {
    nodes_ = &nodes;
    rule_ = rule;
    adjoints_.reserve(end);
    marks_.assign(end, 0);
    if (flat_.size() < end)
      flat_.resize(end);
    direct_.clear();
    captured_.clear();  // left over when an observed sweep threw
  }

  /// Whether node `id` received a gradient in this sweep.
  bool reached(NodeId id) const noexcept { return id < marks_.size() && (marks_[id] & kReached); }

  /// The slot through which every contribution to node `id`'s gradient
  /// flows, so that fan-out sums and a parameter keeps accumulating.
  GradSlot<T> slot(NodeId id) {
    if (!captured_.empty()) [[unlikely]] {
      if (Captured* c = capture_of(id))
        return c->slot((*nodes_)[id].shape());
    }
    return target(id);
  }

  /// Node `id`'s gradient in this sweep (a reached node; a parameter's
  /// accumulated gradient under the accumulate rule).
  const Tensor<T>& gradient(NodeId id) const {
    const Node<T>& n = (*nodes_)[id];
    if (n.parameter && rule_ == ParameterRule::accumulate)
      return n.parameter->grad();
    if (n.flat && !(marks_[id] & kTensor))
      promote(id);
    return adjoints_[id];
  }

  /// Flat node `id`'s backprop: the partials its recording took
  /// (edge_list.hpp) times the gradient that arrived. (The hot loop of a
  /// scalar tape. The marks and flat gradients are reached through locals,
  /// as a store to a mark, a byte, would otherwise make the compiler reload
  /// every pointer.)
  void backprop_flat(const Node<T>& n, NodeId id, const NodeId* inputs, const T* partials) {
    std::uint8_t* const marks = marks_.data();
    T* const flat = flat_.data();
    const T g = marks[id] & kTensor ? *adjoints_[id].data() : flat[id];
    const bool captures = !captured_.empty();
    const std::uint32_t count = n.input_count;
    const unsigned grad_inputs = n.grad_inputs;
    for (std::uint32_t k = 0; k < count; ++k) {
      if (!(grad_inputs >> k & 1u))
        continue;
      const NodeId j = inputs[k];
      const T contribution = g * partials[k];
      const std::uint8_t mark = marks[j];
      if (mark & kTensor || captures) [[unlikely]] {
        add_flat(j, contribution);
        continue;
      }
      // if/else, not ?:, which g++ compiles through a stack slot here.
      if (mark & kReached) {
        flat[j] += contribution;
      } else {
        flat[j] = contribution;
        marks[j] = mark | kReached;
      }
    }
  }

  /// Sweeps nodes from end − 1 down while each is unreached, a leaf, or
  /// flat with a flat gradient (and not released), and returns one past the
  /// first it leaves to the general loop (0 when it reached the start). For
  /// a sweep without observers: the loop of a scalar tape, kept apart so that
  /// it runs in registers.
  ///
  /// A contribution to the next node down (id − 1, the input a chain of
  /// statements feeds most) stays in a register, `carry`, instead of making a
  /// round trip through memory that the next node would wait for. It is
  /// summed in the order memory would have summed it, so gradients are the
  /// same to the bit, and stored with the node's mark as well: grad() reads
  /// it afterwards.
  [[gnu::noinline]] std::size_t sweep_flat(const NodeStore<T>& nodes, const NodeId* edges,
                                           const T* partials, std::size_t end) {
    assert(captured_.empty());
    std::uint8_t* const marks = marks_.data();
    T* const flat = flat_.data();
    T carry = T(0);  // node end − 1's gradient, when `carried`
    bool carried = false;
    for (; end > 0; --end) {
      const std::size_t id = end - 1;
      const std::uint8_t mark = marks[id];
      if (!(mark & kReached) && !carried)
        continue;
      if (carried) {
        flat[id] = carry;
        marks[id] = mark | kReached;
      }
      const Node<T>& n = nodes[id];
      if (!n.flat || mark & kTensor || n.released) {
        if (n.is_leaf())
          continue;
        return end;
      }
      const T g = carried ? carry : flat[id];
      carried = false;
      const NodeId* inputs = edges + n.first_input;
      const T* partial = partials + n.first_input;
      for (unsigned bits = n.grad_inputs; bits != 0; bits &= bits - 1) {
        const unsigned k = static_cast<unsigned>(__builtin_ctz(bits));
        const NodeId j = inputs[k];
        const T contribution = g * partial[k];
        const std::uint8_t input_mark = marks[j];
        if (input_mark & kTensor) [[unlikely]] {
          add_flat(j, contribution);
        } else if (j + 1 == id) {
          if (carried) {
            carry += contribution;
          } else {
            carry = input_mark & kReached ? flat[j] + contribution : contribution;
            carried = true;
          }
        } else if (input_mark & kReached) {
          flat[j] += contribution;
        } else {
          flat[j] = contribution;
          marks[j] = input_mark | kReached;
        }
      }
    }
    return 0;
  }

  /// Zeros of node `id`'s shape, in its gradient buffer (for grad() of a
  /// node the sweep did not reach; it stays unreached).
  const Tensor<T>& zeros(NodeId id) {
    adjoints_.reserve(std::size_t{id} + 1);
    Tensor<T>& adjoint = adjoints_[id];
    adjoint.resize((*nodes_)[id].shape());
    adjoint.fill(T(0));
    return adjoint;
  }

  /// Makes watch `id`'s gradient an update of its parameter's value, scaled
  /// by `scale` (see direct_update.hpp).
  void update_directly(NodeId id, T scale) {
    marks_[id] |= kDirect;
    direct_.push_back({id, scale});
  }
  bool updates_directly(NodeId id) const noexcept {
    return id < marks_.size() && (marks_[id] & kDirect);
  }
  T direct_scale(NodeId id) const noexcept {
    for (const Direct& d : direct_) {
      if (d.id == id)
        return d.scale;
    }
    return T(0);
  }

  /// For observers: until release_captures(), the contributions sent to the
  /// `count` inputs `inputs` of one node go to buffers of their own.
  void capture(const NodeId* inputs, std::size_t count) {
    captured_.clear();
    for (std::size_t p = 0; p < count; ++p) {
      const NodeId id = inputs[p];
      if (capture_of(id) == nullptr && (*nodes_)[id].requires_grad)
        captured_.push_back({{p, id, {}}, false});
    }
  }
  /// Adds the captured contributions to their targets and returns them
  /// (inputs the backprop sent nothing are left out).
  std::vector<Contribution<T>> release_captures() {
    std::vector<Contribution<T>> released;
    for (Captured& c : captured_) {
      if (!c.written)
        continue;
      const GradSlot<T> t = target(c.contribution.input);
      if (t.fresh) {
        t.tensor = c.contribution.gradient;
      } else {
        t.tensor += c.contribution.gradient;
      }
      released.push_back(std::move(c.contribution));
    }
    captured_.clear();
    return released;
  }

 private:
  static constexpr std::uint8_t kReached = 1;
  static constexpr std::uint8_t kDirect = 2;
  // A flat node's gradient is in flat_ until a tensor op (or a reader)
  // needs it as a tensor; from then on, for the rest of the sweep, it is in
  // adjoints_.
  static constexpr std::uint8_t kTensor = 4;

  void promote(NodeId id) const {
    Tensor<T>& adjoint = adjoints_[id];
    if (adjoint.dimension() != 0)
      adjoint.resize(Shape{});
    if (marks_[id] & kReached)
      *adjoint.data() = flat_[id];
    marks_[id] |= kTensor;
  }

  /// Adds contribution c to flat node j's gradient.
  void add_flat(NodeId j, T c) {
    if (!captured_.empty()) [[unlikely]] {
      if (Captured* capture = capture_of(j)) {
        capture->slot(Shape{}).add(0, c);
        return;
      }
    }
    std::uint8_t& mark = marks_[j];
    if (mark & kTensor) {
      GradSlot<T>{adjoints_[j], !(mark & kReached)}.add(0, c);
    } else {
      flat_[j] = mark & kReached ? flat_[j] + c : c;
    }
    mark |= kReached;
  }

  struct Direct {
    NodeId id;
    T scale;
  };
  struct Captured {
    Contribution<T> contribution;
    bool written;

    GradSlot<T> slot(const Shape& shape) {
      const bool fresh = !written;
      if (fresh) {
        contribution.gradient.resize(shape);
        written = true;
      }
      return {contribution.gradient, fresh};
    }
  };

  GradSlot<T> target(NodeId id) {
    Node<T>& n = (*nodes_)[id];
    std::uint8_t& mark = marks_[id];
    if (n.parameter && rule_ == ParameterRule::accumulate) {
      mark |= kReached;
      if (mark & kDirect)
        return {n.parameter->value(), false, true};
      const auto [grad, fresh] = n.parameter->accumulation_target();
      return {*grad, fresh};
    }
    if (n.flat && !(mark & kTensor))
      promote(id);
    Tensor<T>& adjoint = adjoints_[id];
    const bool fresh = !(mark & kReached);
    if (fresh) {
      const Shape& shape = n.shape();
      if (adjoint.shape() != shape)
        adjoint.resize(shape);
      mark |= kReached;
    }
    return {adjoint, fresh};
  }

  Captured* capture_of(NodeId id) {
    for (Captured& c : captured_) {
      if (c.contribution.input == id)
        return &c;
    }
    return nullptr;
  }

  NodeStore<T>* nodes_ = nullptr;
  ParameterRule rule_ = ParameterRule::accumulate;
  // By node id. (Mutable: gradient() may move a flat gradient into its tensor.)
  mutable ChunkedStore<Tensor<T>> adjoints_;
  mutable std::vector<std::uint8_t> marks_;  // kReached | kDirect | kTensor
  std::vector<T> flat_;                      // flat nodes' gradients
  std::vector<Direct> direct_;
  std::vector<Captured> captured_;
};

}  // namespace tapegrad
