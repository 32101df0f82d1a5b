#pragma once
// Tape: the runtime record of a forward pass (a Wengert list) and the reverse
// sweep over it.
//
// Recording order is a topological order, so backward() walks node ids
// downward from the output, calling each reached op's backprop(); nodes no
// path connects to the output never receive a gradient and are skipped.
// reset() forgets the nodes but keeps their buffers, so a training loop that
// records the same shapes every step allocates nothing after the first.
//
// References returned by value() and grad() stay valid until reset(): nodes
// never move. A tape is used by one thread at a time (one tape per thread);
// a second thread inside it at once throws ConcurrentUseError (see
// exclusive_use.hpp).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/core/attributes.hpp"
#include "tapegrad/core/backprop_trace.hpp"
#include "tapegrad/core/edge_list.hpp"
#include "tapegrad/core/exclusive_use.hpp"
#include "tapegrad/core/gradient_ready.hpp"
#include "tapegrad/core/lifetime.hpp"
#include "tapegrad/core/node.hpp"
#include "tapegrad/core/node_store.hpp"
#include "tapegrad/core/op_arena.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/parameter.hpp"
#include "tapegrad/core/sweep.hpp"
#include "tapegrad/core/tangent.hpp"
#include "tapegrad/core/tape_stats.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/tensor/span.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

namespace detail {
template <class T>
class ParameterReports;
template <class T>
class DirectUpdatePlanner;
template <class T>
class SweepObserver;
/// Tests reach a tape's limits through a specialisation of this.
template <class T>
struct TapeTestAccess;
/// Built-in ops' recording fast path (src/core/tape_record_flat.hpp).
template <class T>
struct FlatRecorder;
}  // namespace detail

struct BackwardOptions {
  /// Free every swept node's saved tensors after its backprop. A later
  /// backward through those nodes then throws StateReleasedError.
  bool release_saved = false;
  /// When set, cleared and filled with every reverse step (see
  /// backprop_trace.hpp). Slow: for inspection, not training.
  BackpropTrace* trace = nullptr;
  /// Called with each watched parameter as soon as its gradient is final
  /// (see gradient_ready.hpp): pass an optimiser to update the parameters
  /// during the sweep. Must be a GradientReadyListener of the tape's dtype.
  detail::AnyGradientReadyListener* gradient_ready = nullptr;
};

struct GradientOptions {
  /// Record the backward pass itself as new nodes (symbol-to-symbol), so the
  /// gradients can be used in further computation and differentiated again.
  bool create_graph = false;
};

struct JvpOptions {
  /// Derive the tangent of an op without a tangent rule from its
  /// differentiable backprop (the double-VJP construction). When false, such
  /// an op throws GradientError naming it, and jvp records nothing.
  bool fallback = true;
};

/// One entry of Tape::replay's argument: leaf `leaf` takes the new `value`
/// (of the leaf's shape).
template <class T>
struct LeafValue {
  Var<T> leaf;
  Tensor<T> value;
};

template <class T>
class TAPEGRAD_EXPORT Tape {
 public:
  Tape();
  ~Tape();
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  /// A leaf that never needs a gradient (data, targets). The overloads of a
  /// tensor rvalue, here and in variable(), take its buffer without a copy
  /// and leave in it the buffer the same node slot held in an earlier
  /// recording (a default-constructed tensor before), of any shape and contents:
  /// refilling it, as DataLoader::next does, then allocates nothing.
  Var<T> constant(const Tensor<T>& value, std::string_view label = {});
  Var<T> constant(Tensor<T>&& value, std::string_view label = {});
  /// A number: a rank-0 leaf, written into its node with no tensor built.
  /// (A template, so that a braced list, `constant({3.0})`, stays a tensor.)
  template <class Number, std::enable_if_t<std::is_arithmetic_v<Number>, int> = 0>
  Var<T> constant(Number value, std::string_view label = {}) {
    return scalar_leaf(static_cast<T>(value), label, false);
  }
  /// A leaf whose gradient backward() computes.
  Var<T> variable(const Tensor<T>& value, std::string_view label = {});
  Var<T> variable(Tensor<T>&& value, std::string_view label = {});
  template <class Number, std::enable_if_t<std::is_arithmetic_v<Number>, int> = 0>
  Var<T> variable(Number value, std::string_view label = {}) {
    return scalar_leaf(static_cast<T>(value), label, true);
  }
  /// A leaf reading `parameter` in place; its gradient accumulates into
  /// parameter.grad(). A parameter destroyed while the tape still holds its
  /// watch makes the next use of that watch throw StaleVarError.
  Var<T> watch(Parameter<T>& parameter);

  /// Records the registered op `op_name` (built from `attributes`).
  Var<T> apply(std::string_view op_name, Span<Var<T>> inputs, const Attributes& attributes = {});
  /// Records a new `Op(args...)`, owned by the tape until reset() (in an
  /// arena that reset() keeps, so steady-state recording allocates nothing).
  template <class Op, class... Args>
  Var<T> apply(Span<Var<T>> inputs, Args&&... args) {
    const detail::ExclusiveUse::Scope in_use(in_use_, "apply");
    const Op& op = arena_.template make<Op>(std::forward<Args>(args)...);
    try {
      return record_op(op, inputs);
    } catch (...) {
      arena_.pop();
      throw;
    }
  }
  /// Records `op`, which must outlive this recording (e.g. a static instance).
  Var<T> record(const Operation<T>& op, Span<Var<T>> inputs);

  /// Reverse sweep from a one-element output, seeded with 1.
  void backward(Var<T> output, const BackwardOptions& options = {});
  /// Reverse sweep seeded with ∂L/∂output = seed (a vector-Jacobian product).
  /// (A template only so that `backward(y, {.release_saved = true})` cannot
  /// be mistaken for a seed written as a braced list.)
  template <class Seed, class = std::enable_if_t<std::is_convertible_v<const Seed&, Tensor<T>>>>
  void backward(Var<T> output, const Seed& seed, const BackwardOptions& options = {}) {
    if constexpr (std::is_same_v<Seed, Tensor<T>>) {
      backward_seeded(output, seed, options);
    } else {
      backward_seeded(output, Tensor<T>(seed), options);  // e.g. an xt::xarray of another allocator
    }
  }

  /// ∂output/∂x for every x in `wrt`, as Vars on this tape, for a
  /// one-element output (seed 1).
  ///  * create_graph = true: the backward pass is recorded with each op's
  ///    differentiable_backprop(), so the results are ordinary nodes that can
  ///    be differentiated again (any order). An op without one throws
  ///    GradientError naming it.
  ///  * create_graph = false: the fast numeric sweep; only the results are
  ///    recorded, as constants.
  /// Unlike backward(), watched parameters' gradients are left untouched, and
  /// grad(), has_grad() and last_output() keep describing the last backward(). An
  /// x that no path from the output reaches (or an output that depends on no
  /// variable at all) gets zeros; an x that is a constant is an error.
  std::vector<Var<T>> gradient(Var<T> output, Span<Var<T>> wrt,
                               const GradientOptions& options = {});
  /// The same seeded with ∂L/∂output = seed (of output's shape): a
  /// vector-Jacobian product. With create_graph the seed may itself depend on
  /// variables.
  std::vector<Var<T>> gradient(Var<T> output, Span<Var<T>> wrt, Var<T> seed,
                               const GradientOptions& options = {});

  /// Forward mode: J·v for every output, where J is the Jacobian of the
  /// outputs with respect to the seeded leaves and v their tangents (each of
  /// its leaf's shape). One forward pass over the recorded nodes, each op's
  /// tangent rule (Operation::tangent) or, for an op without one, the
  /// double-VJP fallback, which appends nodes to the tape. An output no seed
  /// reaches gets zeros. A seed on a non-leaf, on a constant, or of another
  /// shape than its leaf throws, naming the node and the shapes.
  std::vector<Tensor<T>> jvp(Span<Var<T>> outputs, const std::vector<TangentSeed<T>>& seeds,
                             const JvpOptions& options = {});

  /// Recomputes every recorded node, in recording order, from new values of
  /// some leaves (variables or constants, each value of its leaf's shape)
  /// and the current values of every watched parameter, without recording
  /// again: the same ops on the same edges, so a branch the recording took
  /// on values is not revisited. Afterwards the tape is as a fresh recording
  /// at those values would be, ready for backward(); the last backward's
  /// gradients are forgotten. Refused (ReplayError) when the tape holds
  /// leaves that gradient() or jvp() made from recorded values. An op that
  /// fails, or whose output changes shape, on the new values throws naming
  /// its node; backward, gradient and jvp then throw ReplayError until a
  /// replay succeeds or reset().
  void replay(const std::vector<LeafValue<T>>& values);

  const Tensor<T>& value(Var<T> v) const;
  /// ∂output/∂v of the last backward; zeros of v's shape when no path from
  /// the output reached v. Tape gradients are fresh for every backward;
  /// a watched parameter's gradient accumulates until zero_grad().
  const Tensor<T>& grad(Var<T> v);
  bool has_grad(Var<T> v) const;
  /// Whether node `id` received a gradient in the last backward.
  bool has_grad(NodeId id) const;
  /// Node `id`'s gradient of the last backward; throws unless has_grad(id).
  const Tensor<T>& grad(NodeId id) const;
  void set_label(Var<T> v, std::string_view label);
  /// The output of the last backward, if one ran since reset().
  std::optional<NodeId> last_output() const noexcept { return last_output_; }

  /// Number of recorded nodes.
  std::size_t size() const noexcept { return count_; }
  /// Forgets every node (invalidating their Vars) but keeps capacity.
  void reset();

  /// Whether new nodes track gradients; see NoGradScope.
  bool grad_enabled() const noexcept { return grad_enabled_; }
  void set_grad_enabled(bool enabled) noexcept { grad_enabled_ = enabled; }

  /// Anomaly mode: every op output and every gradient a backprop produces is
  /// checked, and the first NaN or Inf throws AnomalyError naming the node,
  /// its op and label, and the input or gradient that went bad. Off by
  /// default; when off it costs one branch per node.
  bool detect_anomaly() const noexcept { return detect_anomaly_; }
  void set_detect_anomaly(bool enabled) noexcept { detect_anomaly_ = enabled; }

  /// Estimated FLOPs and bytes of the recorded forward and backprop, per op
  /// and in total, and the bytes the tape holds now (see tape_stats.hpp).
  TapeStats stats() const;
  /// Node `id`'s estimated cost (nothing for a leaf or an op without
  /// cost()); a node no variable feeds has no backprop cost.
  std::optional<OpCost> cost(NodeId id) const;

  /// A handle to existing node `id` (throws when there is none).
  Var<T> var(NodeId id);
  /// Read-only access for inspection tools.
  const Node<T>& node(NodeId id) const;
  Span<NodeId> inputs(NodeId id) const;

  /// Throws unless v is a live handle of this tape. `op` names the caller.
  void check(Var<T> v, std::string_view op = {}) const;

 private:
  friend struct detail::TapeTestAccess<T>;
  friend struct detail::FlatRecorder<T>;

  // Recording. record() and apply<Op>() hold the tape's scope, then
  // record_checked() checks the inputs and records a flat node (record_flat)
  // or runs the op's forward (record_tensor). Hidden: not interposable, so
  // the hot path inlines. Built-in ops on scalars skip record() and its
  // virtual calls (detail::FlatRecorder).
  Var<T> record_op(const Operation<T>& op, Span<Var<T>> inputs);  // apply<Op>()'s way in
  TAPEGRAD_NO_EXPORT Var<T> record_checked(const Operation<T>& op, Span<Var<T>> inputs);
  TAPEGRAD_NO_EXPORT Var<T> record_tensor(const Operation<T>& op, Span<Var<T>> inputs,
                                          bool requires_grad);
  /// The next node's id, after making room for it and its `input_count`
  /// edges (one comparison each while there is room).
  TAPEGRAD_NO_EXPORT NodeId next_node(std::size_t input_count);
  /// Checks the id limits, grows the node store or the edges, and sets the
  /// rooms below.
  [[gnu::noinline]] TAPEGRAD_NO_EXPORT void make_room(std::size_t input_count);
  /// Records an empty node (a leaf until its fields are set).
  TAPEGRAD_NO_EXPORT NodeId acquire_node(std::size_t input_count);
  [[noreturn]] TAPEGRAD_NO_EXPORT void out_of_ids() const;  // CapacityError
  template <class Value>
  void set_leaf_value(Node<T>& n, Value&& value);
  TAPEGRAD_NO_EXPORT void set_leaf_scalar(Node<T>& n, T value);
  /// constant(number) and variable(number).
  Var<T> scalar_leaf(T value, std::string_view label, bool requires_grad);
  /// Records a flat node of `op` on the `count` nodes `inputs`: its scalar
  /// kernel gave `output`; `grad_inputs` (Node::grad_inputs, 0 under
  /// NoGradScope) says which inputs need a gradient, and when it is not 0,
  /// `partials` holds the op's partials.
  TAPEGRAD_NO_EXPORT Var<T> record_flat(const Operation<T>& op, const NodeId* inputs,
                                        std::size_t count, T output, const T* partials,
                                        std::uint8_t grad_inputs);
  Var<T> add_leaf(std::string_view label, bool requires_grad);
  Var<T> handle(NodeId id) const noexcept { return Var<T>(cell_, id, generation_); }
  /// Throws StaleVarError when node `id` watches a parameter that is gone.
  void check_parameter(const Node<T>& n, NodeId id, std::string_view op) const;
  /// The same for every watch on the tape.
  void check_watches(std::string_view op) const;
  /// Throws ValueError unless `op` takes `inputs` inputs.
  TAPEGRAD_NO_EXPORT void check_arity(const Operation<T>& op, std::size_t inputs) const;
  [[noreturn]] TAPEGRAD_NO_EXPORT void wrong_arity(const Operation<T>& op, int arity,
                                                   std::size_t inputs) const;
  /// Anomaly mode: throws AnomalyError when node `id` (inputs and all) holds
  /// a NaN or an infinity, naming the first input that does.
  void check_finite_output(NodeId id) const;
  void backward_seeded(Var<T> output, const Tensor<T>& seed, const BackwardOptions& options);
  /// Checks that backward can start from `output`; returns its node.
  Node<T>& backward_output(Var<T> output, std::string_view caller);
  /// Runs backward()'s sweep, seeded already, with the observers `options` asks for.
  void run_backward(NodeId output, const BackwardOptions& options,
                    GradientReadyListener<T>* listener);
  /// The reverse loop: each node `sweep` reached, from `output` down, gets its
  /// op's backprop.
  void sweep(Sweep<T>& sweep, NodeId output, detail::SweepObserver<T>* observer,
             bool release_saved);
  /// options.gradient_ready as this tape's listener type (null when unset);
  /// throws ValueError for a listener of another dtype.
  GradientReadyListener<T>* gradient_listener(const BackwardOptions& options, NodeId output) const;

  /// Node `id`'s tangent from its op's differentiable backprop (tape_jvp.cpp).
  Tensor<T> fallback_tangent(NodeId id, const std::vector<const Tensor<T>*>& tangents);

  /// RAII: leaves recorded inside (by gradient() or jvp()) are derived from
  /// values, which replay() cannot recompute.
  class DerivedLeaves {
   public:
    explicit DerivedLeaves(Tape& tape) noexcept : tape_(tape) { ++tape_.derived_depth_; }
    ~DerivedLeaves() { --tape_.derived_depth_; }
    DerivedLeaves(const DerivedLeaves&) = delete;
    DerivedLeaves& operator=(const DerivedLeaves&) = delete;

   private:
    Tape& tape_;
  };
  /// Throws ReplayError after a replay that failed part-way.
  void check_replayed(std::string_view caller) const;
  /// replay()'s recomputation of op node `id` (the leaves already set).
  TAPEGRAD_NO_EXPORT void replay_node(NodeId id);

  std::vector<Var<T>> numeric_gradient(Var<T> output, Span<Var<T>> wrt, const Tensor<T>& seed);
  std::vector<Var<T>> recorded_gradient(Var<T> output, Span<Var<T>> wrt, Var<T> seed);

  detail::Lifetime& lifetime_;
  std::uint32_t cell_;  // lifetime_'s index and generation, cached for the hot checks
  std::uint64_t generation_;
  NodeStore<T> nodes_;  // [0, count_) are live; the rest keep their buffers
  std::size_t count_ = 0;
  EdgeList<T> edges_;
  std::vector<NodeId> watched_leaves_;  // leaves of watch(), ascending
  Sweep<T> backward_sweep_;             // what grad() reads
  Sweep<T> gradient_sweep_;             // numeric gradient()'s
  // Made by the first backward with a gradient_ready listener.
  std::unique_ptr<detail::ParameterReports<T>> reports_;
  std::unique_ptr<detail::DirectUpdatePlanner<T>> direct_updates_;
  OpArena<T> arena_;  // every op the tape owns: built by apply<Op>() or by name
  std::optional<NodeId> last_output_;
  /// Node ids and edge offsets are 32-bit: recording past this many throws.
  std::size_t id_limit_ = std::size_t{1} << 32;
  // Nodes and edges that fit before make_room(): the smaller of id_limit_
  // and what the node store or the edge list holds now.
  std::size_t node_room_ = 0;
  std::size_t edge_room_ = 0;
  std::optional<NodeId> first_derived_leaf_;  // see DerivedLeaves
  unsigned derived_depth_ = 0;
  std::optional<NodeId> failed_replay_;  // the node a replay stopped at
  bool grad_enabled_ = true;
  bool detect_anomaly_ = false;
  detail::ExclusiveUse in_use_;
};

/// Records without gradient tracking while alive (evaluation, optimiser
/// updates written as tape ops).
template <class T>
class NoGradScope {
 public:
  explicit NoGradScope(Tape<T>& tape) : tape_(tape), previous_(tape.grad_enabled()) {
    tape.set_grad_enabled(false);
  }
  ~NoGradScope() { tape_.set_grad_enabled(previous_); }
  NoGradScope(const NoGradScope&) = delete;
  NoGradScope& operator=(const NoGradScope&) = delete;

 private:
  Tape<T>& tape_;
  bool previous_;
};

template <class T>
Tape<T>& Var<T>::live_tape(std::string_view op) const {
  if (live())
    return *static_cast<Tape<T>*>(detail::lifetime_at(cell()).owner);
  throw StaleVarError(
      cell() != 0
          ? "a Var whose tape was reset() or destroyed since it was recorded was used (node " +
                std::to_string(id()) + "); record it again on a live tape"
          : std::string("an empty Var (default-constructed) was used"),
      {std::string(op), std::nullopt, {}});
}

template <class T>
const Tensor<T>& Var<T>::value() const {
  return live_tape("value").value(*this);
}

template <class T>
const Tensor<T>& Var<T>::grad() const {
  return live_tape("grad").grad(*this);
}

template <class T>
const Shape& Var<T>::shape() const {
  return value().shape();
}

template <class T>
T Var<T>::item() const {
  const Tensor<T>& v = value();
  if (v.size() != 1) {
    throw ShapeError("item() needs a one-element Var, got shape " + shape_to_string(v.shape()),
                     {"item", id(), live_tape("item").node(id()).label});
  }
  return *v.data();
}

template <class T>
Var<T> Var<T>::label(std::string_view name) const {
  live_tape("label").set_label(*this, name);
  return *this;
}

}  // namespace tapegrad
