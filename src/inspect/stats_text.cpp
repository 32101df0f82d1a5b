// format_stats(): the cost ledger as a short report. Ops without a cost()
// are counted and named, so an estimate never looks more complete than it is.
#include "tapegrad/inspect/stats_text.hpp"

#include <fmt/format.h>

#include "core/saturating.hpp"
#include "inspect/text_support.hpp"

namespace tapegrad::inspect {

std::string format_stats(const TapeStats& stats) {
  const std::size_t ops = stats.nodes - stats.leaves;
  std::string out = fmt::format("nodes: {} ({} {}, {} op{}", stats.nodes, stats.leaves,
                                stats.leaves == 1 ? "leaf" : "leaves", ops, ops == 1 ? "" : "s");
  if (stats.nodes_without_cost > 0)
    out += fmt::format("; {} without a cost estimate", stats.nodes_without_cost);
  out += ")\n";
  out += fmt::format("forward:  {} flops, {} bytes\n", stats.total.forward_flops,
                     stats.total.forward_bytes);
  out += fmt::format("backprop: {} flops, {} bytes\n", stats.total.backprop_flops,
                     stats.total.backprop_bytes);
  if (!stats.by_op.empty()) {
    std::vector<std::vector<std::string>> rows{
        {"op", "nodes", "no cost", "fwd flops", "fwd bytes", "bwd flops", "bwd bytes"}};
    for (const OpTally& t : stats.by_op) {
      rows.push_back({detail::printable(t.op), std::to_string(t.nodes),
                      std::to_string(t.nodes_without_cost), std::to_string(t.cost.forward_flops),
                      std::to_string(t.cost.forward_bytes), std::to_string(t.cost.backprop_flops),
                      std::to_string(t.cost.backprop_bytes)});
    }
    out += detail::aligned(rows, {false, true, true, true, true, true, true});
  }
  using tapegrad::detail::saturating_add;
  const std::uint64_t held =
      saturating_add(saturating_add(stats.value_bytes, stats.grad_bytes),
                     saturating_add(stats.saved_bytes, stats.parameter_bytes));
  out += fmt::format(
      "bytes held: {} (values {}, gradients {}, saved for backprop {}, parameters {})\n", held,
      stats.value_bytes, stats.grad_bytes, stats.saved_bytes, stats.parameter_bytes);
  return out;
}

}  // namespace tapegrad::inspect
