// inspect::record(): copies what inspection needs out of a live tape into
// plain data (see tape_record.hpp), so every printout works the same on a
// live tape and on one loaded from JSON.
#include <cmath>
#include <span>

#include "inspect/text_support.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect {

namespace {

template <class T>
TensorSummary summarise(const Tensor<T>& tensor) {
  TensorSummary s;
  s.count = tensor.size();
  std::size_t finite = 0;
  double sum = 0;
  double squares = 0;
  const T* data = tensor.data();
  for (std::size_t i = 0; i < s.count; ++i) {
    const double v = static_cast<double>(data[i]);
    if (!std::isfinite(v)) {
      ++s.nonfinite;
      continue;
    }
    s.min = finite == 0 ? v : std::min(s.min, v);
    s.max = finite == 0 ? v : std::max(s.max, v);
    sum += v;
    squares += v * v;
    ++finite;
  }
  if (finite > 0)
    s.mean = sum / static_cast<double>(finite);
  s.norm = std::sqrt(squares);
  return s;
}

template <class T>
std::vector<double> elements(const Tensor<T>& tensor) {
  return std::vector<double>(tensor.data(), tensor.data() + tensor.size());
}

template <class T>
NodeKind kind_of(const Node<T>& node) {
  if (node.op)
    return NodeKind::op;
  if (node.parameter)
    return NodeKind::parameter;
  return node.requires_grad ? NodeKind::variable : NodeKind::constant;
}

template <class T>
NodeRecord record_node(const Tape<T>& tape, NodeId id, const RecordOptions& options) {
  const Node<T>& node = tape.node(id);
  NodeRecord r;
  r.id = id;
  r.kind = kind_of(node);
  r.label = node.label;
  const Span<NodeId> inputs = tape.inputs(id);
  r.inputs.assign(inputs.begin(), inputs.end());
  r.shape.assign(node.shape().begin(), node.shape().end());
  r.requires_grad = node.requires_grad;

  const Tensor<T>& value = node.value();
  r.value_summary = summarise(value);
  // Small tensors are always kept: the table prints them element by element.
  if (options.values || value.size() <= detail::kShownElements)
    r.value = elements(value);
  if (tape.has_grad(id)) {
    const Tensor<T>& grad = tape.grad(id);
    r.grad_summary = summarise(grad);
    if (options.grads || grad.size() <= detail::kShownElements)
      r.grad = elements(grad);
  }
  for (const Tensor<T>& saved : node.data->saved)
    r.saved_bytes += saved.size() * sizeof(T);

  if (node.op) {
    r.op = node.op->name();
    r.attributes = node.op->attributes().items();
    r.formula = node.op->formula();
    r.cost = tape.cost(r.id);
  }
  return r;
}

}  // namespace

template <class T>
TapeRecord record(const Tape<T>& tape, const RecordOptions& options) {
  TapeRecord out;
  out.dtype = sizeof(T) == 4 ? "float32" : "float64";
  out.nodes.reserve(tape.size());
  for (std::size_t id = 0; id < tape.size(); ++id)
    out.nodes.push_back(record_node(tape, static_cast<NodeId>(id), options));
  out.output = tape.last_output();
  if (options.trace)
    out.trace = *options.trace;
  return out;
}

template TapeRecord record(const Tape<float>&, const RecordOptions&);
template TapeRecord record(const Tape<double>&, const RecordOptions&);

}  // namespace tapegrad::inspect
