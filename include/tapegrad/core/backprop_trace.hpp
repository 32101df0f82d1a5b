#pragma once
// What a traced backward sweep reports: for every node it visits, in sweep
// order, the gradient arriving at it (g = ∂L/∂node) and the contribution it
// sends to each input. Values are stored as double whatever the tape's type,
// so a trace can be printed, saved to JSON and compared without the tape.
//
// Tracing copies every gradient it reports; it is meant for understanding and
// debugging a sweep, not for training loops. A contribution is recorded
// exactly as the op computed it: the input's gradient so far is set aside
// while the op runs and added back afterwards.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tapegrad/core/node_id.hpp"

namespace tapegrad {

struct TraceTensor {
  std::vector<std::size_t> shape;
  std::vector<double> values;  // row-major
};

/// What one backprop sent to one input. An input node the op uses at several
/// positions (x·x) gets one entry, at its first position, holding the sum.
struct TraceContribution {
  std::size_t position = 0;  // index among the op's inputs
  NodeId input = 0;          // that input's node id
  TraceTensor gradient;
};

struct TraceStep {
  NodeId node = 0;
  std::string op;
  std::string label;
  TraceTensor grad_output;  // g arriving at the node
  std::vector<TraceContribution> contributions;
};

struct BackpropTrace {
  /// The node the sweep started from and the seed it was given.
  std::optional<NodeId> output;
  TraceTensor seed;
  /// One entry per backprop run, in sweep order (node ids decreasing).
  std::vector<TraceStep> steps;

  /// The step that visited `node`, or null when the sweep did not.
  const TraceStep* find(NodeId node) const noexcept {
    for (const TraceStep& step : steps) {
      if (step.node == node)
        return &step;
    }
    return nullptr;
  }
};

}  // namespace tapegrad
