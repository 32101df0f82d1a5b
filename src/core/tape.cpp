#include "tapegrad/core/tape.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <new>
#include <string>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include <xtensor/xexception.hpp>

#include "core/nonfinite.hpp"
#include "core/parameter_reports.hpp"  // complete for ~Tape
#include "core/tape_record_flat.hpp"
#include "tapegrad/core/direct_update.hpp"
#include "tapegrad/core/registry.hpp"

namespace tapegrad {

namespace {

template <class T>
std::string input_shapes(const NodeStore<T>& nodes, Span<Var<T>> inputs) {
  std::string text;
  for (const Var<T>& v : inputs) {
    if (!text.empty())
      text += ", ";
    text += shape_to_string(nodes[v.id()].shape());
  }
  return text;
}

}  // namespace

template <class T>
Tape<T>::Tape()
    : lifetime_(detail::acquire_lifetime(this)),
      cell_(lifetime_.index),
      generation_(lifetime_.generation) {
  backward_sweep_.start(nodes_, 0, ParameterRule::accumulate);  // grad() reads it from the start
}

template <class T>
Tape<T>::~Tape() {
  detail::release_lifetime(lifetime_);
}

template <class T>
void Tape<T>::make_room(std::size_t input_count) {
  if (count_ >= id_limit_ || edges_.size() + input_count > id_limit_)
    out_of_ids();
  if (count_ == nodes_.capacity())
    nodes_.grow();
  edges_.reserve(input_count);
  node_room_ = std::min(id_limit_, nodes_.capacity());
  edge_room_ = std::min(id_limit_, edges_.capacity());
}

template <class T>
void Tape<T>::out_of_ids() const {
  throw CapacityError("the tape holds " + std::to_string(count_) + " nodes and " +
                      std::to_string(edges_.size()) + " edges; node ids and edge offsets are " +
                      "32-bit, so it cannot record more (reset() it, or split the work)");
}

template <class T>
Var<T> Tape<T>::add_leaf(std::string_view label, bool requires_grad) {
  const NodeId id = acquire_node(0);
  if (derived_depth_ != 0 && !first_derived_leaf_) [[unlikely]]
    first_derived_leaf_ = id;
  nodes_[id].requires_grad = requires_grad && grad_enabled_;
  nodes_[id].label = label;
  return handle(id);
}

template <class T>
template <class Value>
void Tape<T>::set_leaf_value(Node<T>& n, Value&& value) {
  if (value.dimension() == 0)
    return set_leaf_scalar(n, *value.data());
  if constexpr (std::is_const_v<std::remove_reference_t<Value>>) {
    n.data->own_value = value;  // into the buffer this node slot kept from earlier recordings
  } else {
    // Swapped: the caller's tensor gets that kept buffer, so a loop that
    // refills it (DataLoader::next) and moves it in again neither copies
    // nor allocates.
    using std::swap;
    swap(n.data->own_value, value);
  }
}

template <class T>
void Tape<T>::set_leaf_scalar(Node<T>& n, T value) {
  n.flat = true;  // node.hpp
  n.scalar = value;
}

template <class T>
Var<T> Tape<T>::constant(const Tensor<T>& value, std::string_view label) {
  const detail::ExclusiveUse::Scope in_use(in_use_, "constant");
  Var<T> v = add_leaf(label, false);
  set_leaf_value(nodes_[v.id()], value);
  return v;
}

template <class T>
Var<T> Tape<T>::constant(Tensor<T>&& value, std::string_view label) {
  const detail::ExclusiveUse::Scope in_use(in_use_, "constant");
  Var<T> v = add_leaf(label, false);
  set_leaf_value(nodes_[v.id()], std::move(value));
  return v;
}

template <class T>
Var<T> Tape<T>::scalar_leaf(T value, std::string_view label, bool requires_grad) {
  const detail::ExclusiveUse::Scope in_use(in_use_, requires_grad ? "variable" : "constant");
  Var<T> v = add_leaf(label, requires_grad);
  set_leaf_scalar(nodes_[v.id()], value);
  return v;
}

template <class T>
Var<T> Tape<T>::variable(const Tensor<T>& value, std::string_view label) {
  const detail::ExclusiveUse::Scope in_use(in_use_, "variable");
  Var<T> v = add_leaf(label, true);
  set_leaf_value(nodes_[v.id()], value);
  return v;
}

template <class T>
Var<T> Tape<T>::variable(Tensor<T>&& value, std::string_view label) {
  const detail::ExclusiveUse::Scope in_use(in_use_, "variable");
  Var<T> v = add_leaf(label, true);
  set_leaf_value(nodes_[v.id()], std::move(value));
  return v;
}

template <class T>
Var<T> Tape<T>::watch(Parameter<T>& parameter) {
  const detail::ExclusiveUse::Scope in_use(in_use_, "watch");
  Var<T> v = add_leaf(parameter.label(), true);
  nodes_[v.id()].parameter = &parameter;
  nodes_[v.id()].data->parameter_lifetime = &parameter.lifetime();
  nodes_[v.id()].data->parameter_generation = parameter.lifetime().generation;
  watched_leaves_.push_back(v.id());
  return v;
}

template <class T>
void Tape<T>::check_parameter(const Node<T>& n, NodeId id, std::string_view op) const {
  if (n.data->parameter_lifetime->alive(n.data->parameter_generation))
    return;
  throw StaleVarError("node " + std::to_string(id) + " watches parameter '" + n.label.str() +
                          "', which was destroyed (or moved from) since; watch the live "
                          "parameter on a new recording",
                      {std::string(op), id, n.label});
}

template <class T>
void Tape<T>::check_watches(std::string_view op) const {
  for (const NodeId watch : watched_leaves_)
    check_parameter(nodes_[watch], watch, op);
}

template <class T>
void Tape<T>::check(Var<T> v, std::string_view op) const {
  if (v.cell() == cell_ && v.generation_ == generation_ && v.id() < count_) {
    const Node<T>& n = nodes_[v.id()];
    if (n.parameter)
      check_parameter(n, v.id(), op);
    return;
  }
  const ErrorSite site{std::string(op), std::nullopt, {}};
  if (!v.valid())
    throw StaleVarError("an empty Var (default-constructed) was used", site);
  if (v.live()) {
    throw TapeMismatchError("a Var of another tape was used (node " + std::to_string(v.id()) +
                                " of that tape); Vars of two tapes cannot be combined",
                            site);
  }
  throw StaleVarError(
      "a Var recorded before its tape's reset(), or on a tape since destroyed, "
      "was used (node " +
          std::to_string(v.id()) + "); record it again on a live tape",
      site);
}

template <class T>
[[gnu::always_inline]] inline void Tape<T>::check_arity(const Operation<T>& op,
                                                        std::size_t inputs) const {
  const int arity = op.arity();
  if (arity != Operation<T>::kVariadic && static_cast<std::size_t>(arity) != inputs) [[unlikely]]
    wrong_arity(op, arity, inputs);
}

template <class T>
void Tape<T>::wrong_arity(const Operation<T>& op, int arity, std::size_t inputs) const {
  throw ValueError("takes " + std::to_string(arity) + " input(s), got " + std::to_string(inputs),
                   {std::string(op.name()), static_cast<NodeId>(count_), {}});
}

template <class T>
Var<T> Tape<T>::record(const Operation<T>& op, Span<Var<T>> inputs) {
  const detail::ExclusiveUse::Scope in_use(in_use_, "record");
  return record_checked(op, inputs);
}

template <class T>
Var<T> Tape<T>::record_op(const Operation<T>& op, Span<Var<T>> inputs) {
  return record_checked(op, inputs);
}

// The hot path of every op on scalars, so one pass over the inputs checks
// their handles and finds whether all are flat (and which need a gradient).
template <class T>
[[gnu::always_inline]] inline Var<T> Tape<T>::record_checked(const Operation<T>& op,
                                                             Span<Var<T>> inputs) {
  const std::size_t count = inputs.size();
  bool flat = count <= kScalarInputs;
  bool requires_grad = false;
  unsigned grad_inputs = 0;  // while flat
  T values[kScalarInputs];
  NodeId ids[kScalarInputs];
  for (std::size_t k = 0; k < count; ++k) {
    const Var<T>& v = inputs[k];
    // The op's name is looked up only to report an error.
    if (v.cell() != cell_ || v.generation_ != generation_ || v.id() >= count_) [[unlikely]]
      check(v, op.name());
    const Node<T>& input = nodes_[v.id()];
    if (input.parameter) [[unlikely]]
      check_parameter(input, v.id(), op.name());
    requires_grad = requires_grad || input.requires_grad;
    if (flat) {
      flat = input.flat;
      ids[k] = v.id();
      values[k] = input.scalar;
      grad_inputs |= unsigned{input.requires_grad} << k;
    }
  }
  check_arity(op, count);
  if (flat) {
    if (!grad_enabled_)
      grad_inputs = 0;
    T output;
    T partials[kScalarInputs];
    if (grad_inputs != 0 ? op.scalar_linearize(values, output, partials)
                         : op.scalar_forward(values, output)) {
      return record_flat(op, ids, count, output, partials, static_cast<std::uint8_t>(grad_inputs));
    }
  }
  return record_tensor(op, inputs, requires_grad);
}

template <class T>
Var<T> Tape<T>::record_tensor(const Operation<T>& op, Span<Var<T>> inputs, bool requires_grad) {
  const NodeId id = acquire_node(inputs.size());
  Node<T>& n = nodes_[id];
  n.op = &op;
  n.input_count = static_cast<std::uint32_t>(inputs.size());
  NodeId* edges = edges_.append_reserved(inputs.size());
  for (const Var<T>& v : inputs)
    *edges++ = v.id();
  n.requires_grad = requires_grad && grad_enabled_;

  // A failed forward leaves the tape exactly as it was before the call.
  const auto roll_back = [&] {
    edges_.truncate(nodes_[id].first_input);
    --count_;
  };
  ForwardContext<T> ctx(nodes_, id, edges_.data() + n.first_input);
  try {
    op.forward(ctx);
    if (detect_anomaly_)
      check_finite_output(id);
  } catch (const Error&) {
    roll_back();
    throw;
  } catch (const std::bad_alloc&) {
    roll_back();
    throw;
  } catch (const xt::broadcast_error&) {
    const ErrorSite site = ctx.site();
    const std::string shapes = input_shapes(nodes_, inputs);
    roll_back();
    throw ShapeError("cannot broadcast input shapes " + shapes, site);
  } catch (const std::exception& e) {
    const ErrorSite site = ctx.site();
    roll_back();
    throw Error(std::string("forward failed: ") + e.what(), site);
  } catch (...) {  // not a std::exception (`throw 42;`): passed on as it is
    roll_back();
    throw;
  }
  return handle(id);
}

template <class T>
void Tape<T>::check_finite_output(NodeId id) const {
  const Node<T>& n = nodes_[id];
  const detail::NonfiniteCount bad = detail::count_nonfinite(n.value());
  if (!bad)
    return;
  std::string cause = "from finite inputs";
  const NodeId* inputs = edges_.data() + n.first_input;
  for (std::size_t p = 0; p < n.input_count; ++p) {
    const Node<T>& input = nodes_[inputs[p]];
    if (const detail::NonfiniteCount bad_input = detail::count_nonfinite(input.value())) {
      cause = "because input " + std::to_string(p) + " (node " + std::to_string(inputs[p]) +
              (input.label.empty() ? "" : " '" + input.label.str() + "'") + ") holds " +
              bad_input.describe(input.value().size());
      break;
    }
  }
  throw AnomalyError("forward produced " + bad.describe(n.size()) + ", " + cause,
                     {std::string(n.op->name()), id, n.label});
}

template <class T>
Var<T> Tape<T>::apply(std::string_view op_name, Span<Var<T>> inputs, const Attributes& attributes) {
  const detail::ExclusiveUse::Scope in_use(in_use_, "apply");
  const Operation<T>& op = Registry<T>::global().make(op_name, attributes, arena_);
  try {
    return record_op(op, inputs);
  } catch (...) {
    arena_.pop();
    throw;
  }
}

template <class T>
const Tensor<T>& Tape<T>::value(Var<T> v) const {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "value");
  check(v, "value");
  return nodes_[v.id()].value();
}

template <class T>
const Tensor<T>& Tape<T>::grad(Var<T> v) {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "grad");
  check(v, "grad");
  const Node<T>& n = nodes_[v.id()];
  if (n.parameter)
    return n.parameter->grad();
  if (!backward_sweep_.reached(v.id()))
    return backward_sweep_.zeros(v.id());
  return backward_sweep_.gradient(v.id());
}

template <class T>
const Tensor<T>& Tape<T>::grad(NodeId id) const {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "grad");
  if (!has_grad(id)) {
    throw GradientError("node " + std::to_string(id) + " received no gradient in the last backward",
                        {"grad", id, nodes_[id].label});
  }
  return backward_sweep_.gradient(id);
}

template <class T>
bool Tape<T>::has_grad(Var<T> v) const {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "has_grad");
  check(v, "has_grad");
  return backward_sweep_.reached(v.id());
}

template <class T>
bool Tape<T>::has_grad(NodeId id) const {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "has_grad");
  node(id);  // throws when there is no such node
  return backward_sweep_.reached(id);
}

template <class T>
void Tape<T>::set_label(Var<T> v, std::string_view label) {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "label");
  check(v, "label");
  nodes_[v.id()].label = label;
}

template <class T>
void Tape<T>::reset() {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "reset");
  count_ = 0;
  edges_.clear();
  watched_leaves_.clear();
  arena_.clear();
  last_output_.reset();
  first_derived_leaf_.reset();
  failed_replay_.reset();
  backward_sweep_.start(nodes_, 0, ParameterRule::accumulate);  // forget its gradients
  generation_ = detail::renew_lifetime(lifetime_);
}

template <class T>
const Node<T>& Tape<T>::node(NodeId id) const {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "node");
  if (id >= count_) {
    throw ValueError("node " + std::to_string(id) + " does not exist (the tape has " +
                     std::to_string(count_) + " nodes)");
  }
  const Node<T>& n = nodes_[id];
  if (n.parameter)
    check_parameter(n, id, "node");
  return n;
}

template <class T>
Span<NodeId> Tape<T>::inputs(NodeId id) const {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "inputs");
  const Node<T>& n = node(id);
  return {edges_.data() + n.first_input, n.input_count};
}

template <class T>
std::optional<OpCost> Tape<T>::cost(NodeId id) const {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "cost");
  const Node<T>& n = node(id);
  if (n.is_leaf())
    return std::nullopt;
  CostQuery query;
  query.output = n.shape();
  for (const NodeId input : inputs(id)) {
    query.inputs.push_back(node(input).shape());
    query.needs_grad.push_back(nodes_[input].requires_grad);
  }
  std::optional<OpCost> cost = n.op->cost(query);
  if (cost && !n.requires_grad) {  // never swept: its backprop never runs
    cost->backprop_flops = 0;
    cost->backprop_bytes = 0;
  }
  return cost;
}

template <class T>
TapeStats Tape<T>::stats() const {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "stats");
  std::vector<NodeFootprint> footprints(count_);
  std::unordered_set<const Parameter<T>*> parameters_seen;
  for (std::size_t i = 0; i < count_; ++i) {
    const Node<T>& n = nodes_[i];
    NodeFootprint& f = footprints[i];
    constexpr std::uint64_t bytes = sizeof(T);
    if (n.parameter) {
      check_parameter(n, static_cast<NodeId>(i), "stats");
      // Its value and gradient buffer (same shape), once per parameter.
      if (parameters_seen.insert(n.parameter).second)
        f.parameter_bytes = 2 * n.parameter->value().size() * bytes;
    } else {
      f.value_bytes = n.size() * bytes;
      if (backward_sweep_.reached(static_cast<NodeId>(i)))
        f.grad_bytes = backward_sweep_.gradient(static_cast<NodeId>(i)).size() * bytes;
    }
    for (std::size_t k = 0; k < n.data->saved.size(); ++k)
      f.saved_bytes += n.data->saved[k].size() * bytes;
    if (n.is_leaf())
      continue;
    f.op = n.op->name();
    f.cost = cost(static_cast<NodeId>(i));
  }
  return tally(footprints);
}

template class Tape<float>;
template class Tape<double>;

}  // namespace tapegrad
