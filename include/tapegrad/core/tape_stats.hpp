#pragma once
// The cost ledger of a recorded tape: estimated FLOPs and bytes moved by the
// forward pass and the backprop of every node (from Operation::cost()), per op
// and in total, plus the memory the tape holds right now.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tapegrad/core/operation.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

/// One op's share of a tape: how many nodes use it and what they cost.
struct OpTally {
  std::string op;
  std::size_t nodes = 0;
  /// Nodes of this op whose op reports no cost (not included in `cost`).
  std::size_t nodes_without_cost = 0;
  OpCost cost;
};

struct TapeStats {
  std::size_t nodes = 0;
  std::size_t leaves = 0;
  /// Sum over every op node that reports a cost.
  OpCost total;
  /// Op nodes whose op reports no cost (custom ops without cost()).
  std::size_t nodes_without_cost = 0;
  /// Per op, sorted by name.
  std::vector<OpTally> by_op;
  /// Bytes held now: node values (leaves and ops, not watched parameters),
  /// node gradients, tensors ops saved for backprop, and watched parameters'
  /// values and gradients (owned by the parameters, counted once each).
  std::uint64_t value_bytes = 0;
  std::uint64_t grad_bytes = 0;
  std::uint64_t saved_bytes = 0;
  std::uint64_t parameter_bytes = 0;
};

/// What one node contributes to a TapeStats; see tally().
struct NodeFootprint {
  std::string op;  // empty for a leaf
  std::optional<OpCost> cost;
  std::uint64_t value_bytes = 0;
  std::uint64_t grad_bytes = 0;
  std::uint64_t saved_bytes = 0;
  std::uint64_t parameter_bytes = 0;
};

/// Adds up per-node footprints (shared by Tape::stats() and loaded tapes).
TAPEGRAD_EXPORT TapeStats tally(const std::vector<NodeFootprint>& nodes);

}  // namespace tapegrad
