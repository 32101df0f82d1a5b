#pragma once
// Recording a flat node (node.hpp), shared by Tape::record() (tape.cpp) and
// the fast path of built-in ops (FlatRecorder, used by ops/support.hpp).
//
// Tape::record() serves every op through two virtual calls, arity() and
// scalar_forward(). Where a built-in op is recorded its type is known and
// final, so FlatRecorder reads its arity as a constant, inlines its scalar
// kernel and writes the node at once. Whatever it does not handle itself —
// a stale or foreign Var, an input that is not flat, a kernel that declines,
// a non-finite output in anomaly mode, a full tape — goes to Tape::record(),
// which checks everything again and raises the error.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <type_traits>

#include "tapegrad/core/tape.hpp"

namespace tapegrad {

template <class T>
[[gnu::always_inline]] inline NodeId Tape<T>::acquire_node(std::size_t input_count) {
  if (count_ >= id_limit_ || edges_.size() + input_count > id_limit_) [[unlikely]]
    out_of_ids();
  if (count_ == nodes_.capacity())
    nodes_.grow();
  Node<T>& n = nodes_[count_];
  n.op = nullptr;
  n.parameter = nullptr;
  n.first_input = static_cast<std::uint32_t>(edges_.size());
  n.input_count = 0;
  n.saved_count = 0;
  n.requires_grad = false;
  n.released = false;
  n.flat = false;
  n.mirrored = false;
  n.grad_inputs = 0;
  n.label.clear();
  return static_cast<NodeId>(count_++);
}

template <class T>
[[gnu::always_inline]] inline Var<T> Tape<T>::record_flat(const Operation<T>& op,
                                                          Span<Var<T>> inputs, T output,
                                                          const T* partials,
                                                          std::uint8_t grad_inputs) {
  const NodeId id = acquire_node(inputs.size());
  Node<T>& n = nodes_[id];
  n.op = &op;
  const std::size_t count = inputs.size();
  n.input_count = static_cast<std::uint32_t>(count);
  n.flat = true;
  n.scalar = output;
  NodeId* edges = edges_.append(count);
  for (std::size_t k = 0; k < count; ++k)
    edges[k] = inputs[k].id_;
  n.grad_inputs = grad_inputs;
  n.requires_grad = grad_inputs != 0;
  if (grad_inputs != 0) {
    T* kept = edges_.partials() + n.first_input;
    for (std::size_t k = 0; k < count; ++k)
      kept[k] = partials[k];
  }
  if (detect_anomaly_ && !std::isfinite(output)) [[unlikely]] {
    try {
      check_finite_output(id, inputs);
    } catch (...) {
      edges_.truncate(n.first_input);
      --count_;
      throw;
    }
  }
  return handle(id);
}

namespace detail {

/// Whether FlatRecorder can inline Op's scalar kernel: Op is final and has
/// one of its own (overrides scalar_forward).
template <class Op, class T>
inline constexpr bool inlines_scalar_kernel_v =
    std::is_final_v<Op> &&
    !std::is_same_v<decltype(&Op::scalar_forward), bool (Operation<T>::*)(const T*, T&) const>;

template <class T>
struct FlatRecorder {
  /// Records `op` (of final type Op) on the tape of inputs[0].
  template <class Op>
  [[gnu::always_inline]] static Var<T> record(const Op& op, std::initializer_list<Var<T>> inputs) {
    static_assert(inlines_scalar_kernel_v<Op, T>);
    static_assert(Op::kArity >= 1 && Op::kArity <= static_cast<int>(kScalarInputs));
    const Var<T>& first = *inputs.begin();
    if (first.cell_ != 0 && inputs.size() == Op::kArity) [[likely]] {
      const Lifetime& lifetime = lifetime_at(first.cell_);
      if (lifetime.alive(first.generation_)) [[likely]] {
        Tape<T>& tape = *static_cast<Tape<T>*>(lifetime.owner);
        Var<T> out;
        if (try_flat(tape, op, inputs.begin(), out))
          return out;
        return tape.record(op, inputs);
      }
    }
    return first.live_tape(Op::kName).record(op, inputs);  // throws for a stale Var
  }

 private:
  // Writes the new node's handle to `out`, or returns false when Tape::record()
  // must take over (first's tape is `tape` already).
  template <class Op>
  [[gnu::always_inline]] static bool try_flat(Tape<T>& tape, const Op& op, const Var<T>* inputs,
                                              Var<T>& out) {
    constexpr std::size_t arity = Op::kArity;
    const ExclusiveUse::Scope in_use(tape.in_use_, "record");
    T values[arity];
    unsigned grad_inputs = 0;
    for (std::size_t k = 0; k < arity; ++k) {
      const Var<T>& v = inputs[k];
      if (v.cell_ != tape.cell_ || v.generation_ != tape.generation_ || v.id_ >= tape.count_)
          [[unlikely]]
        return false;
      const Node<T>& input = tape.nodes_[v.id_];
      if (!input.flat) [[unlikely]]  // a watch is never flat: no parameter to check
        return false;
      values[k] = input.scalar;
      grad_inputs |= unsigned{input.requires_grad} << k;
    }
    if (!tape.grad_enabled_) [[unlikely]]
      grad_inputs = 0;
    T output;
    if (!op.Op::scalar_forward(values, output)) [[unlikely]]
      return false;
    if (tape.detect_anomaly_ && !std::isfinite(output)) [[unlikely]]
      return false;
    T partials[arity];
    if (grad_inputs != 0)
      op.Op::scalar_backprop(values, output, T(1), partials);
    out = tape.record_flat(op, Span<Var<T>>(inputs, arity), output, partials,
                           static_cast<std::uint8_t>(grad_inputs));
    return true;
  }
};

}  // namespace detail
}  // namespace tapegrad
