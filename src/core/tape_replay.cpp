// Tape::replay(): the recorded nodes recomputed at new leaf values. Recording
// order is a topological order, so one upward walk sees every input's new
// value before the node that reads it. Each node keeps its op, edges, label
// and requires_grad; a flat node reruns its scalar kernel, any other its op's
// forward into the buffers the recording left (no allocation when the shapes
// hold).
//
// Everything that can be checked before a value changes is checked first, so
// a refused replay leaves the tape as it was. An op that throws on the new
// values (an index out of range, a shape that no longer fits) leaves the
// nodes below it replayed and those above it not: failed_replay_ then makes
// backward, gradient and jvp refuse the mixed tape.

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include <xtensor/xexception.hpp>

#include "core/node_description.hpp"
#include "tapegrad/core/tape.hpp"

namespace tapegrad {

using detail::describe_node;

template <class T>
void Tape<T>::check_replayed(std::string_view caller) const {
  if (!failed_replay_) [[likely]]
    return;
  const Node<T>& n = nodes_[*failed_replay_];
  throw ReplayError("the last replay failed at " + describe_node(n.label, *failed_replay_) +
                        " (op '" + std::string(n.op->name()) +
                        "'), so the tape holds values of two inputs; replay again with values "
                        "every op accepts, or reset() and record again",
                    {std::string(caller), *failed_replay_, n.label});
}

template <class T>
void Tape<T>::replay(const std::vector<LeafValue<T>>& values) {
  const detail::ExclusiveUse::Scope in_use(in_use_, "replay");
  if (first_derived_leaf_) {
    const Node<T>& n = nodes_[*first_derived_leaf_];
    throw ReplayError(
        "the tape holds " + describe_node(n.label, *first_derived_leaf_) +
            ", a leaf that gradient() or jvp() computed from the recorded values; replay "
            "cannot recompute it, so record the forward pass again instead",
        {"replay", *first_derived_leaf_, n.label});
  }
  check_watches("replay");
  // The given leaves' ids, sorted to find one given twice: a few ids, where a
  // mark per node would cost the whole tape on every replay. On the stack
  // when they are few, so that a replay allocates nothing.
  std::array<NodeId, 16> few_ids;
  std::vector<NodeId> many_ids(values.size() > few_ids.size() ? values.size() : 0);
  const std::span<NodeId> given(many_ids.empty() ? few_ids.data() : many_ids.data(), values.size());
  std::size_t given_count = 0;
  for (const LeafValue<T>& entry : values) {
    check(entry.leaf, "replay");
    const NodeId id = entry.leaf.id();
    const Node<T>& n = nodes_[id];
    const ErrorSite site{"replay", id, n.label};
    if (!n.is_leaf()) {
      throw ValueError("replay was given a value for " + describe_node(n.label, id) +
                           ", the output of op '" + std::string(n.op->name()) +
                           "'; give values to leaves (variables and constants) only",
                       site);
    }
    if (n.parameter) {
      throw ValueError("replay was given a value for " + describe_node(n.label, id) +
                           ", a watched parameter; replay reads every parameter's current "
                           "value, so update the Parameter itself",
                       site);
    }
    if (entry.value.shape() != n.shape()) {
      throw ShapeError("replay was given a value of shape " + shape_to_string(entry.value.shape()) +
                           " for " + describe_node(n.label, id) + " of shape " +
                           shape_to_string(n.shape()) + "; a replay keeps every shape",
                       site);
    }
    given[given_count++] = id;
  }
  std::sort(given.begin(), given.end());
  if (const auto twice = std::adjacent_find(given.begin(), given.end()); twice != given.end()) {
    const Node<T>& n = nodes_[*twice];
    throw ValueError("replay was given two values for " + describe_node(n.label, *twice),
                     {"replay", *twice, n.label});
  }

  for (const LeafValue<T>& entry : values) {
    Node<T>& n = nodes_[entry.leaf.id()];
    if (n.flat) {
      n.scalar = *entry.value.data();
      n.mirrored = false;
    } else {
      n.data->own_value = entry.value;  // same shape: the buffer is reused
    }
  }
  if (last_output_) {
    last_output_.reset();
    backward_sweep_.start(nodes_, 0, ParameterRule::accumulate);  // forget its gradients
  }
  failed_replay_.reset();
  const NodeId* const edges = edges_.data();
  T* const partials = edges_.partials();
  for (std::size_t i = 0; i < count_; ++i) {
    Node<T>& n = nodes_[i];
    if (n.is_leaf())
      continue;
    if (n.flat && !detect_anomaly_) [[likely]] {  // the scalar tape's loop
      T x[kScalarInputs];
      const NodeId* ids = edges + n.first_input;
      for (std::size_t k = 0; k < n.input_count; ++k)
        x[k] = nodes_[ids[k]].scalar;  // a flat node's inputs are flat
      if (n.grad_inputs != 0 ? n.op->scalar_linearize(x, n.scalar, partials + n.first_input)
                             : n.op->scalar_forward(x, n.scalar)) [[likely]] {
        n.mirrored = false;
        n.released = false;
        continue;
      }
    }
    replay_node(static_cast<NodeId>(i));  // replay_node says why the kernel declined
  }
}

template <class T>
void Tape<T>::replay_node(NodeId id) {
  Node<T>& n = nodes_[id];
  const NodeId* ids = edges_.data() + n.first_input;
  n.released = false;
  if (n.flat) {
    T x[kScalarInputs];
    for (std::size_t k = 0; k < n.input_count; ++k)
      x[k] = nodes_[ids[k]].scalar;  // a flat node's inputs are flat
    T output;
    T* const partials = edges_.partials() + n.first_input;
    if (n.grad_inputs != 0 ? n.op->scalar_linearize(x, output, partials)
                           : n.op->scalar_forward(x, output)) [[likely]] {
      n.scalar = output;
      n.mirrored = false;
      if (!detect_anomaly_ || std::isfinite(output)) [[likely]]
        return;
    } else {
      failed_replay_ = id;
      throw ReplayError("op '" + std::string(n.op->name()) +
                            "' declined its scalar kernel on the new values, so " +
                            describe_node(n.label, id) + " cannot stay flat; record again",
                        {"replay", id, n.label});
    }
  } else {
    const Shape recorded = n.data->own_value.shape();
    n.saved_count = 0;
    ForwardContext<T> ctx(nodes_, id, ids);
    try {
      n.op->forward(ctx);
    } catch (const Error&) {
      failed_replay_ = id;
      throw;
    } catch (const xt::broadcast_error&) {
      failed_replay_ = id;
      throw ShapeError("cannot broadcast the input shapes on replay", ctx.site());
    } catch (const std::exception& e) {
      failed_replay_ = id;
      throw Error(std::string("forward failed on replay: ") + e.what(), ctx.site());
    } catch (...) {
      failed_replay_ = id;
      throw;
    }
    if (n.data->own_value.shape() != recorded) {
      failed_replay_ = id;
      throw ReplayError(
          "op '" + std::string(n.op->name()) + "' gave " + describe_node(n.label, id) + " shape " +
              shape_to_string(n.data->own_value.shape()) + " on replay, where the recording had " +
              shape_to_string(recorded) + ": its shape depends on values, so record again",
          {"replay", id, n.label});
    }
    if (!detect_anomaly_)
      return;
  }
  // Anomaly mode: the same check as at recording.
  try {
    check_finite_output(id);
  } catch (...) {
    failed_replay_ = id;
    throw;
  }
}

#define TAPEGRAD_INSTANTIATE_REPLAY(T)                             \
  template void Tape<T>::check_replayed(std::string_view) const;   \
  template void Tape<T>::replay(const std::vector<LeafValue<T>>&); \
  template void Tape<T>::replay_node(NodeId);
TAPEGRAD_INSTANTIATE_REPLAY(float)
TAPEGRAD_INSTANTIATE_REPLAY(double)
#undef TAPEGRAD_INSTANTIATE_REPLAY

}  // namespace tapegrad
