#include "tapegrad/core/tape.hpp"

#include <exception>
#include <new>
#include <string>
#include <unordered_set>

#include <xtensor/xexception.hpp>

#include "core/nonfinite.hpp"
#include "core/parameter_reports.hpp"  // complete for ~Tape
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
Tape<T>::Tape() = default;

template <class T>
Tape<T>::~Tape() = default;

template <class T>
NodeId Tape<T>::acquire_node() {
  if (count_ == nodes_.capacity())
    nodes_.grow();
  Node<T>& n = nodes_[count_];
  n.op = nullptr;
  n.parameter = nullptr;
  n.first_input = static_cast<std::uint32_t>(edges_.size());
  n.input_count = 0;
  n.saved_count = 0;
  n.requires_grad = false;
  n.grad_sweep = 0;
  n.released = false;
  n.label.clear();
  return static_cast<NodeId>(count_++);
}

template <class T>
Var<T> Tape<T>::add_leaf(std::string_view label, bool requires_grad) {
  const NodeId id = acquire_node();
  nodes_[id].requires_grad = requires_grad && grad_enabled_;
  nodes_[id].label = label;
  return Var<T>(this, id, generation_);
}

template <class T>
Var<T> Tape<T>::constant(const Tensor<T>& value, std::string_view label) {
  Var<T> v = add_leaf(label, false);
  nodes_[v.id()].own_value = value;  // copies into the reused buffer
  return v;
}

template <class T>
Var<T> Tape<T>::constant(Tensor<T>&& value, std::string_view label) {
  Var<T> v = add_leaf(label, false);
  nodes_[v.id()].own_value = std::move(value);
  return v;
}

template <class T>
Var<T> Tape<T>::variable(const Tensor<T>& value, std::string_view label) {
  Var<T> v = add_leaf(label, true);
  nodes_[v.id()].own_value = value;
  return v;
}

template <class T>
Var<T> Tape<T>::variable(Tensor<T>&& value, std::string_view label) {
  Var<T> v = add_leaf(label, true);
  nodes_[v.id()].own_value = std::move(value);
  return v;
}

template <class T>
Var<T> Tape<T>::watch(Parameter<T>& parameter) {
  Var<T> v = add_leaf(parameter.label(), true);
  nodes_[v.id()].parameter = &parameter;
  watched_leaves_.push_back(v.id());
  return v;
}

template <class T>
void Tape<T>::check(Var<T> v, std::string_view op) const {
  if (v.tape() == this && v.generation() == generation_ && v.id() < count_)
    return;
  const ErrorSite site{std::string(op), std::nullopt, {}};
  if (v.tape() == nullptr)
    throw StaleVarError("an empty Var (default-constructed) was used", site);
  if (v.tape() != this) {
    throw TapeMismatchError("a Var of another tape was used (node " + std::to_string(v.id()) +
                                " of that tape); Vars of two tapes cannot be combined",
                            site);
  }
  throw StaleVarError("a Var recorded before the tape's reset() was used (node " +
                          std::to_string(v.id()) + "); record it again after reset()",
                      site);
}

template <class T>
void Tape<T>::check_inputs(const Operation<T>& op, Span<Var<T>> inputs) const {
  for (const Var<T>& v : inputs) {
    // Inline fast test; the op's name is looked up only to report an error.
    if (v.tape() != this || v.generation() != generation_ || v.id() >= count_)
      check(v, op.name());
  }
  const int arity = op.arity();
  if (arity != Operation<T>::kVariadic && static_cast<std::size_t>(arity) != inputs.size()) {
    throw ValueError(
        "takes " + std::to_string(arity) + " input(s), got " + std::to_string(inputs.size()),
        {std::string(op.name()), static_cast<NodeId>(count_), {}});
  }
}

template <class T>
Var<T> Tape<T>::record(const Operation<T>& op, Span<Var<T>> inputs) {
  check_inputs(op, inputs);
  const NodeId id = acquire_node();
  Node<T>& n = nodes_[id];
  n.op = &op;
  n.input_count = static_cast<std::uint32_t>(inputs.size());
  bool requires_grad = false;
  for (const Var<T>& v : inputs) {
    edges_.push_back(v.id());
    requires_grad = requires_grad || nodes_[v.id()].requires_grad;
  }
  n.requires_grad = requires_grad && grad_enabled_;

  // A failed forward leaves the tape exactly as it was before the call.
  const auto roll_back = [&] {
    edges_.resize(nodes_[id].first_input);
    --count_;
  };
  ForwardContext<T> ctx(nodes_, id, edges_.data() + n.first_input);
  try {
    op.forward(ctx);
    if (detect_anomaly_)
      check_finite_output(id, inputs);
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
  }
  return Var<T>(this, id, generation_);
}

template <class T>
void Tape<T>::check_finite_output(NodeId id, Span<Var<T>> inputs) const {
  const Node<T>& n = nodes_[id];
  const detail::NonfiniteCount bad = detail::count_nonfinite(n.own_value);
  if (!bad)
    return;
  std::string cause = "from finite inputs";
  for (std::size_t p = 0; p < inputs.size(); ++p) {
    const Node<T>& input = nodes_[inputs[p].id()];
    if (const detail::NonfiniteCount bad_input = detail::count_nonfinite(input.value())) {
      cause = "because input " + std::to_string(p) + " (node " + std::to_string(inputs[p].id()) +
              (input.label.empty() ? "" : " '" + input.label + "'") + ") holds " +
              bad_input.describe(input.value().size());
      break;
    }
  }
  throw AnomalyError("forward produced " + bad.describe(n.own_value.size()) + ", " + cause,
                     {std::string(n.op->name()), id, n.label});
}

template <class T>
Var<T> Tape<T>::apply(std::string_view op_name, Span<Var<T>> inputs, const Attributes& attributes) {
  const Operation<T>& op = Registry<T>::global().make(op_name, attributes, arena_);
  try {
    return record(op, inputs);
  } catch (...) {
    arena_.pop();
    throw;
  }
}

template <class T>
const Tensor<T>& Tape<T>::value(Var<T> v) const {
  check(v, "value");
  return nodes_[v.id()].value();
}

template <class T>
const Tensor<T>& Tape<T>::grad(Var<T> v) {
  check(v, "grad");
  Node<T>& n = nodes_[v.id()];
  if (n.grad_sweep != sweep_ && !n.parameter) {
    n.own_grad.resize(n.own_value.shape());
    n.own_grad.fill(T(0));
  }
  return n.grad();
}

template <class T>
bool Tape<T>::has_grad(Var<T> v) const {
  check(v, "has_grad");
  return nodes_[v.id()].grad_sweep == sweep_ && sweep_ != 0;
}

template <class T>
bool Tape<T>::has_grad(NodeId id) const {
  return node(id).grad_sweep == sweep_ && sweep_ != 0;
}

template <class T>
void Tape<T>::set_label(Var<T> v, std::string_view label) {
  check(v, "label");
  nodes_[v.id()].label = label;
}

template <class T>
void Tape<T>::reset() {
  count_ = 0;
  edges_.clear();
  watched_leaves_.clear();
  arena_.clear();
  last_output_.reset();
  ++generation_;
}

template <class T>
const Node<T>& Tape<T>::node(NodeId id) const {
  if (id >= count_) {
    throw ValueError("node " + std::to_string(id) + " does not exist (the tape has " +
                     std::to_string(count_) + " nodes)");
  }
  return nodes_[id];
}

template <class T>
Span<NodeId> Tape<T>::inputs(NodeId id) const {
  const Node<T>& n = node(id);
  return {edges_.data() + n.first_input, n.input_count};
}

template <class T>
std::optional<OpCost> Tape<T>::cost(NodeId id) const {
  const Node<T>& n = node(id);
  if (n.is_leaf())
    return std::nullopt;
  CostQuery query;
  query.output = n.shape();
  for (const NodeId input : inputs(id)) {
    query.inputs.push_back(nodes_[input].shape());
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
  std::vector<NodeFootprint> footprints(count_);
  std::unordered_set<const Parameter<T>*> parameters_seen;
  for (std::size_t i = 0; i < count_; ++i) {
    const Node<T>& n = nodes_[i];
    NodeFootprint& f = footprints[i];
    constexpr std::uint64_t bytes = sizeof(T);
    if (n.parameter) {
      // Its value and gradient buffer (same shape), once per parameter.
      if (parameters_seen.insert(n.parameter).second)
        f.parameter_bytes = 2 * n.parameter->value().size() * bytes;
    } else {
      f.value_bytes = n.own_value.size() * bytes;
      if (n.grad_sweep != 0)  // (an untouched buffer is an empty rank-0 tensor)
        f.grad_bytes = n.own_grad.size() * bytes;
    }
    for (std::size_t k = 0; k < n.saved.size(); ++k)
      f.saved_bytes += n.saved[k].size() * bytes;
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
