#pragma once
// Symbol-to-symbol differentiation: the context an op's
// differentiable_backprop() records its gradient through. Tape::gradient()
// with create_graph walks the tape in reverse like backward(), but instead of
// computing numbers it asks each op to *record* its backprop as new nodes:
// g, the inputs and the output are Vars, and every contribution is a Var
// summed into its input's gradient with core's own recorded sum
// (detail::sum_gradients). The gradients are then ordinary nodes: they can be
// used in further computation and differentiated again.

#include <cstddef>
#include <string>
#include <vector>

#include "tapegrad/core/error.hpp"
#include "tapegrad/core/node_id.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/tensor/span.hpp"

namespace tapegrad {

namespace detail {
/// a + b for two contributions of the same shape to one gradient, recorded
/// with core's own op "gradient_sum" (differentiable to any order), so that
/// recorded gradients need no op of the ops layer. Not in the registry: it is
/// not vocabulary for users, who write a + b.
template <class T>
TAPEGRAD_EXPORT Var<T> sum_gradients(Var<T> a, Var<T> b);
}  // namespace detail

template <class T>
class DifferentiableBackpropContext {
 public:
  /// `gradients` holds, by node id, each node's gradient so far (empty Var:
  /// none yet).
  DifferentiableBackpropContext(Tape<T>& tape, NodeId node, std::vector<NodeId> inputs,
                                std::vector<Var<T>>& gradients)
      : tape_(tape), node_(node), inputs_(std::move(inputs)), gradients_(gradients) {}

  Tape<T>& tape() const noexcept { return tape_; }
  std::size_t input_count() const noexcept { return inputs_.size(); }
  Var<T> input(std::size_t i) const { return tape_.var(inputs_[i]); }
  Var<T> output() const { return tape_.var(node_); }
  /// g = ∂L/∂output as a Var (shaped like the output).
  Var<T> grad_output() const { return gradients_[node_]; }
  bool needs_grad(std::size_t i) const { return tape_.node(inputs_[i]).requires_grad; }
  NodeId node_id() const noexcept { return node_; }

  /// Adds `contribution` (a Var of input i's shape) to ∂L/∂input_i.
  void accumulate(std::size_t i, Var<T> contribution) {
    tape_.check(contribution, op_name());
    const NodeId target = inputs_[i];
    const Shape& expected = tape_.node(target).shape();
    if (contribution.shape() != expected) {
      throw ShapeError("differentiable backprop produced a gradient of shape " +
                           shape_to_string(contribution.shape()) + " for input " +
                           std::to_string(i) + " of shape " + shape_to_string(expected),
                       site());
    }
    Var<T>& sum = gradients_[target];
    sum = sum.valid() ? detail::sum_gradients(sum, contribution) : contribution;
  }

  ErrorSite site() const { return {std::string(op_name()), node_, tape_.node(node_).label}; }

 private:
  std::string_view op_name() const { return tape_.node(node_).op->name(); }

  Tape<T>& tape_;
  NodeId node_;
  std::vector<NodeId> inputs_;
  std::vector<Var<T>>& gradients_;
};

/// ∂output/∂x for every x in `wrt`; see Tape::gradient.
template <class T>
std::vector<Var<T>> gradient(Var<T> output, Span<Var<T>> wrt, const GradientOptions& options = {}) {
  if (!output.valid())
    throw StaleVarError("gradient() of an empty Var", {"gradient", std::nullopt, {}});
  return output.tape()->gradient(output, wrt, options);
}

}  // namespace tapegrad
