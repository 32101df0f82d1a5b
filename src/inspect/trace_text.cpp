// format_trace(): the reverse sweep step by step, the way the lecture's
// backward phase is written (g = ∇ of the current quantity, then what goes
// to each input).
#include "tapegrad/inspect/trace_text.hpp"

#include <fmt/format.h>

#include "inspect/text_support.hpp"

namespace tapegrad::inspect {

namespace {

std::string tensor(const TraceTensor& t) {
  // A trace keeps every element; a malformed one (count ≠ shape) shows its count.
  if (t.values.size() != detail::element_count(t.shape))
    return fmt::format("<{} values for shape {}>", t.values.size(), detail::shape_text(t.shape));
  return detail::values_text(t.shape, t.values);
}

std::string node_name(NodeId id, const TapeRecord* record) {
  std::string out = fmt::format("node {}", id);
  if (record && id < record->nodes.size() && !record->nodes[id].label.empty())
    out += fmt::format(" '{}'", detail::printable(record->nodes[id].label));
  return out;
}

}  // namespace

std::string format_trace(const BackpropTrace& trace, const TapeRecord* record) {
  if (!trace.output)
    return "backward trace: empty (no traced backward)\n";
  std::string out = fmt::format("backward trace: {} step{} from {}, seed {}\n", trace.steps.size(),
                                trace.steps.size() == 1 ? "" : "s",
                                node_name(*trace.output, record), tensor(trace.seed));
  std::size_t number = 0;
  for (const TraceStep& step : trace.steps) {
    out += fmt::format("step {}: node {} {}", ++number, step.node, detail::printable(step.op));
    if (!step.label.empty())
      out += fmt::format(" '{}'", detail::printable(step.label));
    out += fmt::format("\n  g = {}\n", tensor(step.grad_output));
    for (const TraceContribution& c : step.contributions) {
      out += fmt::format("  -> input {} ({}): {}\n", c.position, node_name(c.input, record),
                         tensor(c.gradient));
    }
  }
  return out;
}

}  // namespace tapegrad::inspect
