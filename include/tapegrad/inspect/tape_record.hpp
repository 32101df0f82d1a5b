#pragma once
// TapeRecord: a plain-data description of a recorded tape — structure, op
// names, attributes, labels, shapes, value and gradient summaries (and
// optionally the values themselves), costs and the last backprop trace.
//
// Every inspection output (table, DOT, JSON, statistics) is produced from a
// TapeRecord, so a tape loaded back from JSON prints and draws exactly like
// the live tape it was saved from. A record cannot be executed.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/core/backprop_trace.hpp"
#include "tapegrad/core/node_id.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/tape_stats.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

template <class T>
class Tape;

namespace inspect {

enum class NodeKind { constant, variable, parameter, op };

/// Summary statistics of a tensor (over its finite elements; `nonfinite`
/// counts NaN and Inf). All zero for an empty tensor.
struct TensorSummary {
  std::size_t count = 0;
  double min = 0, mean = 0, max = 0;
  double norm = 0;  // Euclidean (Frobenius) norm
  std::size_t nonfinite = 0;
};

struct NodeRecord {
  NodeId id = 0;
  NodeKind kind = NodeKind::op;
  std::string op;  // empty for leaves
  std::string label;
  std::vector<NodeId> inputs;
  std::vector<std::size_t> shape;
  bool requires_grad = false;
  std::vector<std::pair<std::string, double>> attributes;
  std::string formula;
  TensorSummary value_summary;
  std::vector<double> value;  // empty unless values were recorded
  /// Present when the node received a gradient in the last backward.
  std::optional<TensorSummary> grad_summary;
  std::vector<double> grad;  // empty unless gradients were recorded
  std::optional<OpCost> cost;
  std::uint64_t saved_bytes = 0;
};

struct TapeRecord {
  /// The JSON layout version this library writes and reads.
  static constexpr int kFormatVersion = 1;

  std::string dtype;  // "float32" or "float64"
  std::vector<NodeRecord> nodes;
  /// The output of the last backward, if any.
  std::optional<NodeId> output;
  /// The last traced backward, when one was captured.
  std::optional<BackpropTrace> trace;
};

struct RecordOptions {
  /// Keep every element of values and gradients (summaries are always kept).
  bool values = true;
  bool grads = true;
  /// A trace to include (e.g. the one filled by backward(y, {.trace = &t})).
  const BackpropTrace* trace = nullptr;
};

/// Describes `tape` as it is now.
template <class T>
TAPEGRAD_EXPORT TapeRecord record(const Tape<T>& tape, const RecordOptions& options = {});

/// The cost ledger of a record (the same numbers Tape::stats() gives, except
/// the byte counts, which come from the recorded shapes).
TAPEGRAD_EXPORT TapeStats stats(const TapeRecord& record);

}  // namespace inspect
}  // namespace tapegrad
