#pragma once
// One backprop run with eyes on it, for backward(y, {.trace}) and anomaly
// mode: what the op sends to each input is isolated (the input's gradient so
// far is set aside, the op writes its contribution into an empty slot, and
// the earlier part is added back), then reported and checked for NaN/Inf.
// The plain sweep never comes here.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/nonfinite.hpp"
#include "tapegrad/core/backprop_trace.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/core/node.hpp"
#include "tapegrad/core/node_store.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::detail {

template <class T>
TraceTensor to_trace(const Tensor<T>& tensor) {
  TraceTensor out;
  out.shape.assign(tensor.shape().begin(), tensor.shape().end());
  out.values.assign(tensor.data(), tensor.data() + tensor.size());
  return out;
}

/// An input of the node being swept, and the gradient it had before.
template <class T>
struct WatchedInput {
  std::size_t position;
  NodeId id;
  std::optional<Tensor<T>> earlier;
};

/// Where a sweep sends gradients: into watched parameters (backward), or
/// into every node's own buffer (gradient() without create_graph).
struct SweepTarget {
  std::uint32_t sweep;
  bool into_parameters;
};

template <class T>
bool uses_parameter(const Node<T>& n, SweepTarget target) {
  return n.parameter != nullptr && target.into_parameters;
}

template <class T>
bool has_current_gradient(const Node<T>& n, SweepTarget target) {
  return uses_parameter(n, target) ? !n.parameter->grad_is_zero() : n.grad_sweep == target.sweep;
}

/// Empties `n`'s gradient slot, returning what it held.
template <class T>
std::optional<Tensor<T>> set_aside(Node<T>& n, SweepTarget target) {
  if (!has_current_gradient(n, target))
    return std::nullopt;
  if (uses_parameter(n, target)) {
    Tensor<T> earlier = n.parameter->grad();
    n.parameter->zero_grad();
    return earlier;
  }
  n.grad_sweep = 0;
  return std::move(n.own_grad);
}

/// Puts the earlier gradient back; returns the op's contribution, if any.
template <class T>
std::optional<Tensor<T>> take_back(Node<T>& n, std::optional<Tensor<T>>& earlier,
                                   SweepTarget target) {
  if (!has_current_gradient(n, target)) {
    if (earlier) {
      if (uses_parameter(n, target)) {
        n.parameter->grad() = std::move(*earlier);
      } else {
        n.own_grad = std::move(*earlier);
        n.grad_sweep = target.sweep;
      }
    }
    return std::nullopt;
  }
  Tensor<T>& gradient = uses_parameter(n, target) ? n.parameter->grad() : n.own_grad;
  Tensor<T> contribution = gradient;
  if (earlier)
    gradient += *earlier;
  return contribution;
}

/// Runs node `id`'s backprop, recording a TraceStep into `trace` (when not
/// null) and throwing AnomalyError on a non-finite contribution (when
/// `anomaly`).
template <class T>
void observed_backprop(NodeStore<T>& nodes, NodeId id, const NodeId* inputs, SweepTarget target,
                       BackpropTrace* trace, bool anomaly) {
  Node<T>& n = nodes[id];
  std::vector<WatchedInput<T>> watched;
  for (std::size_t p = 0; p < n.input_count; ++p) {
    bool seen = false;
    for (const WatchedInput<T>& w : watched)
      seen = seen || w.id == inputs[p];
    if (!seen && nodes[inputs[p]].requires_grad)
      watched.push_back({p, inputs[p], std::nullopt});
  }
  for (WatchedInput<T>& w : watched)
    w.earlier = set_aside(nodes[w.id], target);

  TraceStep step;
  if (trace) {
    step.node = id;
    step.op = n.op->name();
    step.label = n.label;
    step.grad_output = to_trace(n.own_grad);
  }
  BackpropContext<T> ctx(nodes, id, inputs, target.sweep, target.into_parameters);
  n.op->backprop(ctx);

  for (WatchedInput<T>& w : watched) {
    Node<T>& input = nodes[w.id];
    const std::optional<Tensor<T>> contribution = take_back(input, w.earlier, target);
    if (!contribution)
      continue;
    if (anomaly) {
      if (const NonfiniteCount bad = count_nonfinite(*contribution)) {
        const bool g_finite = !count_nonfinite(n.own_grad);
        throw AnomalyError(
            "backprop sent a gradient holding " + bad.describe(contribution->size()) +
                " to input " + std::to_string(w.position) + " (node " + std::to_string(w.id) +
                (input.label.empty() ? "" : " '" + input.label + "'") + ", shape " +
                shape_to_string(input.shape()) + "); the gradient arriving here (g) was " +
                (g_finite ? "finite" : "already non-finite"),
            {std::string(n.op->name()), id, n.label});
      }
    }
    if (trace)
      step.contributions.push_back({w.position, w.id, to_trace(*contribution)});
  }
  if (trace)
    trace->steps.push_back(std::move(step));
}

}  // namespace tapegrad::detail
