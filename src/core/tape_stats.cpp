#include "tapegrad/core/tape_stats.hpp"

#include <algorithm>
#include <map>

#include "core/saturating.hpp"

namespace tapegrad {

namespace {

using detail::saturating_add;

void add(OpCost& sum, const OpCost& cost) {
  sum.forward_flops = saturating_add(sum.forward_flops, cost.forward_flops);
  sum.forward_bytes = saturating_add(sum.forward_bytes, cost.forward_bytes);
  sum.backprop_flops = saturating_add(sum.backprop_flops, cost.backprop_flops);
  sum.backprop_bytes = saturating_add(sum.backprop_bytes, cost.backprop_bytes);
}

}  // namespace

TapeStats tally(const std::vector<NodeFootprint>& nodes) {
  TapeStats stats;
  std::map<std::string, OpTally, std::less<>> by_op;
  for (const NodeFootprint& node : nodes) {
    ++stats.nodes;
    stats.value_bytes = saturating_add(stats.value_bytes, node.value_bytes);
    stats.grad_bytes = saturating_add(stats.grad_bytes, node.grad_bytes);
    stats.saved_bytes = saturating_add(stats.saved_bytes, node.saved_bytes);
    stats.parameter_bytes = saturating_add(stats.parameter_bytes, node.parameter_bytes);
    if (node.op.empty()) {
      ++stats.leaves;
      continue;
    }
    OpTally& entry = by_op[node.op];
    entry.op = node.op;
    ++entry.nodes;
    if (node.cost) {
      add(entry.cost, *node.cost);
      add(stats.total, *node.cost);
    } else {
      ++entry.nodes_without_cost;
      ++stats.nodes_without_cost;
    }
  }
  for (auto& [name, entry] : by_op)
    stats.by_op.push_back(std::move(entry));
  return stats;
}

}  // namespace tapegrad
