#pragma once
// Recording a flat node (node.hpp), shared by Tape::record() (tape.cpp) and
// the fast path of built-in ops (FlatRecorder, used by ops/support.hpp).
//
// Tape::record() serves every op through two virtual calls, arity() and
// scalar_forward(). Where a built-in op is recorded its type is known and
// final, so FlatRecorder reads its arity as a constant, inlines its scalar
// kernel and writes the node at once. Whatever it does not handle itself —
// a stale or foreign Var, an input that is not flat, a kernel that declines —
// goes to Tape::record(), which checks everything again and raises the
// error. A full tape and a non-finite output in anomaly mode are record_flat's
// to raise, for both.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <type_traits>

#include "tapegrad/core/tape.hpp"

namespace tapegrad {

template <class T>
[[gnu::always_inline]] inline NodeId Tape<T>::next_node(std::size_t input_count) {
  if (count_ >= node_room_ || edges_.size() + input_count > edge_room_) [[unlikely]]
    make_room(input_count);
  return static_cast<NodeId>(count_);
}

template <class T>
[[gnu::always_inline]] inline NodeId Tape<T>::acquire_node(std::size_t input_count) {
  const NodeId id = next_node(input_count);
  Node<T>& n = nodes_[id];
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
  ++count_;
  return id;
}

// Writes each of the node's fields once (acquire_node clears them, for the
// nodes whose fields are set afterwards).
template <class T>
[[gnu::always_inline]] inline Var<T> Tape<T>::record_flat(const Operation<T>& op,
                                                          const NodeId* inputs, std::size_t count,
                                                          T output, const T* partials,
                                                          std::uint8_t grad_inputs) {
  const NodeId id = next_node(count);
  const auto first = static_cast<std::uint32_t>(edges_.size());
  NodeId* edges = edges_.append_reserved(count);
  for (std::size_t k = 0; k < count; ++k)
    edges[k] = inputs[k];
  if (grad_inputs != 0) {
    T* kept = edges_.partials() + first;
    for (std::size_t k = 0; k < count; ++k)
      kept[k] = partials[k];
  }
  Node<T>& n = nodes_[id];
  n.op = &op;
  n.parameter = nullptr;
  n.first_input = first;
  n.input_count = static_cast<std::uint32_t>(count);
  n.saved_count = 0;
  n.requires_grad = grad_inputs != 0;
  n.released = false;
  n.flat = true;
  n.mirrored = false;
  n.grad_inputs = grad_inputs;
  n.scalar = output;
  n.label.clear();
  ++count_;
  if (detect_anomaly_ && !std::isfinite(output)) [[unlikely]] {
    try {
      check_finite_output(id);
    } catch (...) {
      edges_.truncate(first);
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

/// The tape this thread last recorded a flat node on, or null. Only a hint:
/// FlatRecorder uses it after the input's lifetime cell names it as the
/// owner, so that the next node's address does not wait for that cell's
/// load (see FlatRecorder::record). Initial-exec: one %fs-relative load,
/// not a __tls_get_addr call.
template <class T>
inline thread_local Tape<T>* last_flat_tape [[gnu::tls_model("initial-exec")]] = nullptr;

template <class T>
struct FlatRecorder {
  /// Records `op` (of final type Op) on the tape of `first`, with `rest` the
  /// other inputs.
  template <class Op, class... Rest>
  [[gnu::always_inline]] static Var<T> record(const Op& op, Var<T> first, Rest... rest) {
    static_assert(inlines_scalar_kernel_v<Op, T>);
    static_assert(Op::kArity >= 1 && Op::kArity <= static_cast<int>(kScalarInputs));
    static_assert(sizeof...(Rest) + 1 == Op::kArity && (std::is_same_v<Rest, Var<T>> && ...));
    // A chain of scalar ops is bound by latency: each node's input is the
    // node before. Reading the tape from `first`'s lifetime cell would put
    // three dependent loads in that chain; the hint is known early, and the
    // comparison with the cell's owner is a predicted branch, off the chain.
    Tape<T>* tape = last_flat_tape<T>;
    if (first.cell() == 0) [[unlikely]]
      return record_checked(op, first, rest...);
    const Lifetime& lifetime = lifetime_at(first.cell());
    if (!lifetime.alive(first.generation_)) [[unlikely]]
      return record_checked(op, first, rest...);
    // Equal pointers would let the compiler use either; the difference, made
    // opaque, keeps `tape` the hint's.
    auto difference =
        reinterpret_cast<std::uintptr_t>(lifetime.owner) ^ reinterpret_cast<std::uintptr_t>(tape);
    asm("" : "+r"(difference));
    if (difference != 0) [[unlikely]] {
      tape = static_cast<Tape<T>*>(lifetime.owner);
      last_flat_tape<T> = tape;
    }
    const Var<T> out = try_flat(*tape, op, first, rest...);
    if (out.cell() == 0) [[unlikely]]
      return record_checked(op, first, rest...);
    return out;
  }

 private:
  // Tape::record() checks everything again and raises what is wrong (a
  // stale Var among them). Out of line, so that the handles stay in
  // registers on the fast path.
  template <class Op, class... Rest>
  [[gnu::noinline, gnu::cold]] static Var<T> record_checked(const Op& op, Var<T> first,
                                                            Rest... rest) {
    return first.live_tape(Op::kName).record(op, {first, rest...});
  }

  // The new node's handle, or an empty Var when Tape::record() must take
  // over (first's tape is `tape` already).
  template <class Op, class... Rest>
  [[gnu::always_inline]] static Var<T> try_flat(Tape<T>& tape, const Op& op, Var<T> first,
                                                Rest... rest) {
    constexpr std::size_t arity = Op::kArity;
    const ExclusiveUse::Scope in_use(tape.in_use_, "record");
    // `first` led to `tape` through its lifetime cell and generation, so it
    // is the tape's own; the others must be too. Within one generation ids
    // only grow, so a handle of the tape names a recorded node.
    if (!((rest.cell() == tape.cell_ && rest.generation_ == tape.generation_) && ...)) [[unlikely]]
      return {};
    const NodeId ids[arity] = {first.id(), rest.id()...};
    T values[arity];
    unsigned grad_inputs = 0;
    for (std::size_t k = 0; k < arity; ++k) {
      const Node<T>& input = tape.nodes_[ids[k]];
      if (!input.flat) [[unlikely]]  // a watch is never flat: no parameter to check
        return {};
      values[k] = input.scalar;
      grad_inputs |= unsigned{input.requires_grad} << k;
    }
    if (!tape.grad_enabled_) [[unlikely]]
      grad_inputs = 0;
    T output;
    T partials[arity] = {};
    const bool computed = grad_inputs != 0 ? op.Op::scalar_linearize(values, output, partials)
                                           : op.Op::scalar_forward(values, output);
    if (!computed) [[unlikely]]
      return {};
    return tape.record_flat(op, ids, arity, output, partials,
                            static_cast<std::uint8_t>(grad_inputs));
  }
};

}  // namespace detail
}  // namespace tapegrad
