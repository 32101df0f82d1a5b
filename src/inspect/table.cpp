// format_table(): one aligned row per node; long tapes keep their head and
// tail and say what the middle held, so a 10,000-node tape stays readable.
// Labels and op names are user text: printed through detail::printable().
#include "tapegrad/inspect/table.hpp"

#include <map>

#include <fmt/format.h>

#include "inspect/text_support.hpp"

namespace tapegrad::inspect {

namespace {

using detail::number;

std::string title(const TapeRecord& record) {
  std::string out = fmt::format("tape: {} node{} ({})", record.nodes.size(),
                                record.nodes.size() == 1 ? "" : "s", record.dtype);
  if (record.output && *record.output < record.nodes.size()) {
    const NodeRecord& output = record.nodes[*record.output];
    out += fmt::format(", backward from node {}", output.id);
    if (!output.label.empty())
      out += fmt::format(" '{}'", detail::printable(output.label));
  }
  return out + '\n';
}

std::vector<std::string> row(const NodeRecord& node, const std::string& dtype, bool with_grads) {
  std::vector<std::string> cells{std::to_string(node.id),
                                 detail::printable(detail::kind_text(node)),
                                 detail::printable(node.label),
                                 fmt::format("{}", fmt::join(node.inputs, ", ")),
                                 detail::shape_text(node.shape),
                                 dtype,
                                 node.requires_grad ? "yes" : "no",
                                 detail::tensor_text(node.shape, node.value, node.value_summary)};
  if (with_grads) {
    if (node.grad_summary) {
      cells.push_back(detail::tensor_text(node.shape, node.grad, *node.grad_summary));
      cells.push_back(number(node.grad_summary->norm));
    } else {
      cells.insert(cells.end(), {"-", ""});
    }
  }
  return cells;
}

// "op  count" lines for the nodes a summarised table leaves out of view.
std::string counts_by_op(const TapeRecord& record) {
  std::map<std::string, std::size_t, std::less<>> counts;
  for (const NodeRecord& node : record.nodes)
    ++counts[detail::printable(detail::kind_text(node))];
  std::vector<std::vector<std::string>> rows;
  for (const auto& [op, count] : counts)
    rows.push_back({"", op, std::to_string(count)});
  return "nodes by op:\n" + detail::aligned(rows, {false, false, true});
}

}  // namespace

std::string format_table(const TapeRecord& record, const TableOptions& options) {
  bool with_grads = false;
  for (const NodeRecord& node : record.nodes)
    with_grads = with_grads || node.grad_summary.has_value();

  const std::size_t n = record.nodes.size();
  const bool summarise =
      !options.full && n > options.summarise_above && options.head + options.tail < n;
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"id", "op", "label", "inputs", "shape", "dtype", "grad?", "value"});
  if (with_grads)
    rows.front().insert(rows.front().end(), {"gradient", "norm"});
  for (std::size_t i = 0; i < n; ++i) {
    if (summarise && i == options.head)
      i = n - options.tail;
    rows.push_back(row(record.nodes[i], record.dtype, with_grads));
  }
  std::vector<bool> right(rows.front().size(), false);
  right[0] = true;
  if (with_grads)
    right.back() = true;
  const std::string table = detail::aligned(rows, right);
  if (!summarise)
    return title(record) + table;

  // Split after the header and the head rows to insert the elision line.
  std::size_t cut = 0;
  for (std::size_t line = 0; line < options.head + 1; ++line)
    cut = table.find('\n', cut) + 1;
  const std::size_t hidden = n - options.head - options.tail;
  const std::string elision =
      fmt::format("... {} nodes not shown (ids {} to {}; print with {{:full}} or --full)\n", hidden,
                  options.head, n - options.tail - 1);
  return title(record) + table.substr(0, cut) + elision + table.substr(cut) + counts_by_op(record);
}

}  // namespace tapegrad::inspect
