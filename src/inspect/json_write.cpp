// to_json() / save_json(): the writer half of the JSON layout (see
// json_layout.hpp). nlohmann-json stays inside the library.
#include <cmath>

#include <nlohmann/json.hpp>

#include "inspect/json_layout.hpp"
#include "inspect/json_text.hpp"
#include "inspect/text_support.hpp"
#include "inspect/write_file.hpp"
#include "tapegrad/inspect/json.hpp"

namespace tapegrad::inspect {

namespace {

using nlohmann::json;

json json_number(double value) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  return value;
}

json numbers(const std::vector<double>& values) {
  json out = json::array();
  for (const double v : values)
    out.push_back(json_number(v));
  return out;
}

json summary(const TensorSummary& s) {
  return {{"count", s.count},          {"min", json_number(s.min)},   {"mean", json_number(s.mean)},
          {"max", json_number(s.max)}, {"norm", json_number(s.norm)}, {"nonfinite", s.nonfinite}};
}

json tensor(const TraceTensor& t) {
  return {{"shape", t.shape}, {"values", numbers(t.values)}};
}

json optional_id(const std::optional<NodeId>& id) {
  return id ? json(*id) : json(nullptr);
}

json node(const NodeRecord& n) {
  json attributes = json::array();
  for (const auto& [name, value] : n.attributes)
    attributes.push_back({name, json_number(value)});
  json out = {{"id", n.id},
              {"kind", std::string(detail::kind_name(n.kind))},
              {"op", n.op},
              {"label", n.label},
              {"inputs", n.inputs},
              {"shape", n.shape},
              {"requires_grad", n.requires_grad},
              {"attributes", std::move(attributes)},
              {"formula", n.formula},
              {"value_summary", summary(n.value_summary)}};
  if (!n.value.empty())
    out["value"] = numbers(n.value);
  if (n.grad_summary)
    out["grad_summary"] = summary(*n.grad_summary);
  if (!n.grad.empty())
    out["grad"] = numbers(n.grad);
  if (n.cost) {
    out["cost"] = {{"forward_flops", n.cost->forward_flops},
                   {"forward_bytes", n.cost->forward_bytes},
                   {"backprop_flops", n.cost->backprop_flops},
                   {"backprop_bytes", n.cost->backprop_bytes}};
  }
  out["saved_bytes"] = n.saved_bytes;
  return out;
}

json trace(const BackpropTrace& t) {
  json steps = json::array();
  for (const TraceStep& step : t.steps) {
    json contributions = json::array();
    for (const TraceContribution& c : step.contributions) {
      contributions.push_back(
          {{"position", c.position}, {"input", c.input}, {"gradient", tensor(c.gradient)}});
    }
    steps.push_back({{"node", step.node},
                     {"op", step.op},
                     {"label", step.label},
                     {"grad_output", tensor(step.grad_output)},
                     {"contributions", std::move(contributions)}});
  }
  return {{"output", optional_id(t.output)}, {"seed", tensor(t.seed)}, {"steps", std::move(steps)}};
}

}  // namespace

std::string detail::json_text(const TapeRecord& record, int indent) {
  json nodes = json::array();
  for (const NodeRecord& n : record.nodes)
    nodes.push_back(node(n));
  json out = {{"format", json_layout::kFormat},
              {"version", TapeRecord::kFormatVersion},
              {"dtype", record.dtype},
              {"output", optional_id(record.output)},
              {"nodes", std::move(nodes)}};
  if (record.trace)
    out["trace"] = trace(*record.trace);
  // Labels are user text: replace invalid UTF-8 rather than throw.
  return out.dump(indent, ' ', false, json::error_handler_t::replace) + '\n';
}

std::string to_json(const TapeRecord& record) {
  return detail::json_text(record, 1);
}

void save_json(const TapeRecord& record, const std::filesystem::path& path) {
  detail::write_file(path, to_json(record));
}

}  // namespace tapegrad::inspect
