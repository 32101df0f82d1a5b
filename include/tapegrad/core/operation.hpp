#pragma once
// The abstract operation every node is recorded with, and the two small
// context objects it works through.
//
// Contract for op authors:
//  * forward(ctx) reads ctx.input(i), writes its result into
//    ctx.output(shape) (a buffer the tape reuses between iterations) and may
//    keep tensors for backprop with ctx.save(shape). It must not record on the
//    tape. A throw leaves the tape as it was before the call.
//  * backprop(ctx) reads ctx.grad_output() (g = ∂L/∂output, output's shape),
//    the inputs, the output and saved tensors, and for each input i with
//    ctx.needs_grad(i) adds ∂L/∂input_i through ctx.accumulate(i, expr) or
//    ctx.accumulate_reduced(i, full) (sums broadcast axes away). Never assign
//    to another node's gradient: contributions from all uses are summed.
//  * An op is immutable once recorded; its attributes are its constructor
//    arguments and are reported by attributes().
//  * Optional, for inspection: cost() estimates FLOPs and bytes of forward
//    and backprop for given shapes; formula() is a one-line description.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xtensor/xnoalias.hpp>

#include "tapegrad/core/attributes.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/core/node.hpp"
#include "tapegrad/core/node_store.hpp"
#include "tapegrad/core/sweep.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/tensor/broadcast.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

/// Estimated work of an op, for inspection: floating-point operations and
/// bytes read plus written, for its forward pass and its backprop.
///
/// Conventions shared by the built-ins: every add, multiply, divide, compare
/// and elementary-function call (exp, log, sin, …) counts as one FLOP; a
/// matrix product of (m × k)·(k × n) counts 2·m·k·n. Bytes count each tensor
/// an op reads or writes once per pass (element count × sizeof(T)).
struct OpCost {
  std::uint64_t forward_flops = 0;
  std::uint64_t forward_bytes = 0;
  std::uint64_t backprop_flops = 0;
  std::uint64_t backprop_bytes = 0;
};

/// What cost() is asked about: the input shapes, the output shape, and which
/// inputs the backprop computes a gradient for (its cost counts only those).
struct CostQuery {
  std::vector<Shape> inputs;
  Shape output;
  std::vector<bool> needs_grad;  // one per input

  static std::uint64_t elements(const Shape& shape) {
    std::uint64_t n = 1;
    for (const std::size_t extent : shape)
      n *= extent;
    return n;
  }
  std::uint64_t input_size(std::size_t i) const { return elements(inputs[i]); }
  std::uint64_t output_size() const { return elements(output); }
  bool needs(std::size_t i) const { return i < needs_grad.size() && needs_grad[i]; }
};

template <class T>
class ForwardContext;
template <class T>
class BackpropContext;
template <class T>
class DifferentiableBackpropContext;
template <class T>
class TangentContext;

template <class T>
class TAPEGRAD_EXPORT Operation {
 public:
  /// Arity that accepts any number of inputs.
  static constexpr int kVariadic = -1;

  Operation() = default;
  Operation(const Operation&) = default;
  Operation& operator=(const Operation&) = default;
  virtual ~Operation();

  /// The registered name ("sigmoid"): it labels the node in every printout.
  virtual std::string_view name() const = 0;
  /// Number of inputs, or kVariadic. The tape checks it before forward().
  virtual int arity() const = 0;
  virtual void forward(ForwardContext<T>& ctx) const = 0;
  virtual void backprop(BackpropContext<T>& ctx) const = 0;
  /// The constructor arguments that make this op what it is.
  virtual Attributes attributes() const { return {}; }

  /// Optional, for gradients of gradients (Tape::gradient with
  /// create_graph): the same backprop written with recorded ops on Vars
  /// (ctx.grad_output(), ctx.input(i), ctx.output()), sending each
  /// contribution with ctx.accumulate(i, var). The recorded contributions are
  /// ordinary nodes, so they can be differentiated again. The default throws
  /// GradientError: "op 'name' has no differentiable backprop".
  virtual void differentiable_backprop(DifferentiableBackpropContext<T>& ctx) const;

  /// Optional, for forward mode (Tape::jvp): adds ẏ = Σ_i (∂y/∂x_i)·ẋ_i
  /// through ctx.accumulate() and returns true (see tangent.hpp). False by
  /// default: the tape then derives ẏ from differentiable_backprop() (the
  /// double-VJP construction), which is correct but records nodes and costs
  /// a reverse sweep per node.
  virtual bool tangent(TangentContext<T>& ctx) const {
    (void)ctx;
    return false;
  }

  /// Optional: the estimated work of one forward and one backprop for the
  /// shapes in `query` (see OpCost for the conventions), for Tape::stats().
  /// Nothing by default (unknown).
  virtual std::optional<OpCost> cost(const CostQuery& query) const {
    (void)query;
    return std::nullopt;
  }
  /// Optional: a one-line formula for printouts ("y = x·sigmoid(βx)").
  virtual std::string formula() const { return {}; }

  /// Optional fast path for scalars: when every input is a flat scalar
  /// (node.hpp), the tape first offers the op its inputs' values as plain
  /// numbers. Returning true with `output` set records a flat node, whose
  /// backprop comes from scalar_backprop(): it must write ∂output/∂input_k · g
  /// into contributions[k] for every input k (the tape drops those no
  /// gradient is asked of). The tape calls it once, with g = 1, when it records
  /// the node (scalar_linearize), and the sweep multiplies each partial by the
  /// gradient that arrives; so it must be linear in g, and forward() and
  /// backprop() on rank-0 tensors must agree with it. False by default.
  virtual bool scalar_forward(const T* inputs, T& output) const {
    (void)inputs;
    (void)output;
    return false;
  }
  virtual void scalar_backprop(const T* inputs, T output, T g, T* contributions) const {
    (void)inputs;
    (void)output;
    (void)g;
    (void)contributions;
  }
  /// scalar_forward(), then the partials ∂output/∂input_k into partials[k]
  /// (scalar_backprop() with g = 1): what the tape keeps of a flat node.
  /// (OpBase implements it with the two calls inlined.)
  virtual bool scalar_linearize(const T* inputs, T& output, T* partials) const {
    if (!scalar_forward(inputs, output))
      return false;
    scalar_backprop(inputs, output, T(1), partials);
    return true;
  }

  /// Optional: true when backprop() handles a `direct` GradSlot for input i
  /// (see direct_update.hpp). False by default.
  virtual bool accepts_direct_update(std::size_t input) const {
    (void)input;
    return false;
  }
};

namespace detail {

/// What both contexts share: the node being worked on and its inputs.
template <class T>
class NodeView {
 public:
  NodeView(NodeStore<T>& nodes, NodeId id, const NodeId* inputs) noexcept
      : nodes_(nodes), id_(id), inputs_(inputs) {}

  std::size_t input_count() const noexcept { return nodes_[id_].input_count; }
  const Tensor<T>& input(std::size_t i) const { return nodes_[inputs_[i]].value(); }
  NodeId input_id(std::size_t i) const noexcept { return inputs_[i]; }
  NodeId node_id() const noexcept { return id_; }

  /// Where an error raised by this op should say it happened.
  ErrorSite site() const {
    const Node<T>& n = nodes_[id_];
    return {std::string(n.op->name()), id_, n.label};
  }

 protected:
  Node<T>& node() noexcept { return nodes_[id_]; }
  const Node<T>& node() const noexcept { return nodes_[id_]; }
  Node<T>& input_node(std::size_t i) noexcept { return nodes_[inputs_[i]]; }
  const Node<T>& input_node(std::size_t i) const noexcept { return nodes_[inputs_[i]]; }

  /// Slot k of the node's kept tensors, resized to `shape` (buffer reused).
  template <class S>
  Tensor<T>& slot(std::size_t k, const S& shape) {
    std::vector<Tensor<T>>& saved = node().data->saved;
    if (saved.size() <= k)
      saved.resize(k + 1);
    saved[k].resize(shape);
    return saved[k];
  }

 private:
  NodeStore<T>& nodes_;
  NodeId id_;
  const NodeId* inputs_;
};

}  // namespace detail

template <class T>
class ForwardContext : public detail::NodeView<T> {
 public:
  using detail::NodeView<T>::NodeView;

  /// The node's value buffer, resized to `shape`; write the result here.
  template <class S>
  Tensor<T>& output(const S& shape) {
    Tensor<T>& out = this->node().data->own_value;
    // Most recordings reuse a node of the same shape: skip xtensor's resize.
    const auto& current = out.shape();
    if (current.size() != shape.size() ||
        !std::equal(current.begin(), current.end(), shape.begin())) {
      out.resize(shape);
    }
    return out;
  }
  Tensor<T>& output(const Shape& shape) { return output<Shape>(shape); }

  /// A tensor kept for backprop (saved(0), saved(1), … in call order).
  template <class S>
  Tensor<T>& save(const S& shape) {
    return this->slot(this->node().saved_count++, shape);
  }
  Tensor<T>& save(const Shape& shape) { return save<Shape>(shape); }

  /// Whether any gradient will ever be asked of input i: skip saving what
  /// only its gradient would need.
  bool needs_grad(std::size_t i) const noexcept { return this->input_node(i).requires_grad; }
  /// Whether this node itself will be swept (some input needs a gradient).
  bool records_grad() const noexcept { return this->node().requires_grad; }
  /// Declares the output a constant of the inputs (a comparison's 0/1 mask,
  /// an argmax's indices): the node is recorded as needing no gradient, so
  /// the sweep never visits it and nothing downstream sends it one, as for
  /// tape.constant(). (PyTorch's ctx.mark_non_differentiable.) Such an op
  /// cannot offer scalar_forward(), which has no context to say so.
  void mark_non_differentiable() noexcept { this->node().requires_grad = false; }
};

template <class T>
class BackpropContext : public detail::NodeView<T> {
 public:
  BackpropContext(NodeStore<T>& nodes, NodeId id, const NodeId* inputs, Sweep<T>& sweep) noexcept
      : detail::NodeView<T>(nodes, id, inputs), sweep_(sweep) {}

  /// g = ∂L/∂output, shaped like the output.
  const Tensor<T>& grad_output() const noexcept { return sweep_.gradient(this->node_id()); }
  const Tensor<T>& output() const noexcept { return this->node().data->own_value; }
  const Tensor<T>& saved(std::size_t k) const noexcept { return this->node().data->saved[k]; }
  bool needs_grad(std::size_t i) const noexcept { return this->input_node(i).requires_grad; }

  /// A temporary for this backprop, kept with the node so later sweeps reuse it.
  template <class S>
  Tensor<T>& scratch(std::size_t k, const S& shape) {
    return this->slot(this->node().saved_count + k, shape);
  }
  Tensor<T>& scratch(std::size_t k, const Shape& shape) { return scratch<Shape>(k, shape); }

  /// Adds `contribution` (an expression of input i's shape) to ∂L/∂input_i.
  template <class E>
  void accumulate(std::size_t i, const E& contribution) {
    const auto& shape = contribution.shape();
    check_contribution(i, Shape(shape.begin(), shape.end()));
    GradSlot<T> target = gradient(i);
    if (target.fresh) {
      xt::noalias(target.tensor) = contribution;
    } else {
      xt::noalias(target.tensor) += contribution;
    }
  }

  /// Adds `full` (of the output's shape, which input i broadcasts to) to
  /// ∂L/∂input_i after summing away the axes along which input i was
  /// broadcast. Any other shape of `full` throws ShapeError.
  void accumulate_reduced(std::size_t i, const Tensor<T>& full) {
    const Shape& shape = this->input(i).shape();
    const Shape& output = this->node().shape();
    if (full.shape() != output) {
      throw ShapeError("backprop produced a full gradient of shape " +
                           shape_to_string(full.shape()) + " for input " + std::to_string(i) +
                           "; accumulate_reduced takes the output's shape " +
                           shape_to_string(output),
                       this->site());
    }
    const auto broadcast = broadcast_shapes(shape, full.shape());
    if (!broadcast || *broadcast != full.shape()) {
      throw ShapeError("backprop produced a gradient of shape " + shape_to_string(full.shape()) +
                           ", which input " + std::to_string(i) + " of shape " +
                           shape_to_string(shape) + " does not broadcast to",
                       this->site());
    }
    GradSlot<T> target = gradient(i);
    reduce_to_shape(full, target.tensor, !target.fresh);
  }

  /// Direct access to ∂L/∂input_i, for ops that write it with their own
  /// kernels (a GEMM with beta = fresh ? 0 : 1). Shaped like the input.
  GradSlot<T> gradient(std::size_t i) { return sweep_.slot(this->input_id(i)); }
  /// For a `direct` slot of input i: the factor of the update to add.
  T direct_scale(std::size_t i) const noexcept { return sweep_.direct_scale(this->input_id(i)); }

 private:
  Sweep<T>& sweep_;

  void check_contribution(std::size_t i, const Shape& shape) const {
    const Shape& expected = this->input(i).shape();
    if (shape != expected) {
      throw ShapeError("backprop produced a gradient of shape " + shape_to_string(shape) +
                           " for input " + std::to_string(i) + " of shape " +
                           shape_to_string(expected),
                       this->site());
    }
  }
};

}  // namespace tapegrad
