// to_dot(): Graphviz text. Labels are user text, so every one is escaped
// (quotes, backslashes, control characters) before it reaches DOT.
#include "tapegrad/inspect/dot.hpp"

#include <fmt/format.h>

#include "inspect/text_support.hpp"
#include "tapegrad/core/tape.hpp"

namespace tapegrad::inspect {

namespace {

// Contents of a DOT double-quoted string; "\n" in `text` becomes a line break.
std::string escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20 || byte == 0x7F) {
      out += ' ';  // other control characters have no business in a label
    } else {
      out += c;
    }
  }
  return out;
}

// Graphviz attributes telling the kinds of node apart at a glance.
std::string_view style(const NodeRecord& node) {
  switch (node.kind) {
    case NodeKind::constant:
      return "shape=box, style=filled, fillcolor=\"#e0e0e0\"";
    case NodeKind::variable:
      return "shape=box, style=filled, fillcolor=\"#c8e6c9\"";
    case NodeKind::parameter:
      return "shape=box3d, style=filled, fillcolor=\"#ffe082\"";
    case NodeKind::op:
      break;
  }
  return "shape=ellipse, style=filled, fillcolor=\"#bbdefb\"";
}

// Appends only: GCC 12 warns falsely (-Wrestrict, PR105329) on "\n" + string.
std::string label(const NodeRecord& node) {
  std::string text;
  if (!node.label.empty()) {
    text += node.label;
    text += '\n';
  }
  text += detail::kind_text(node);
  for (const auto& [name, value] : node.attributes) {
    text += '\n';
    text += detail::attribute_text(name, value);
  }
  text += '\n';
  text += detail::shape_text(node.shape);
  if (node.grad_summary)
    text += fmt::format("\ngrad norm {}", detail::number(node.grad_summary->norm));
  return escape(text);
}

}  // namespace

std::string to_dot(const TapeRecord& record) {
  std::string out = "digraph tape {\n";
  out += "  rankdir=TB;\n";
  out += "  node [fontname=\"Helvetica\", fontsize=10];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (const NodeRecord& node : record.nodes) {
    out += fmt::format("  n{} [label=\"{}\", {}", node.id, label(node), style(node));
    if (record.output && *record.output == node.id)
      out += ", peripheries=2, color=\"#c62828\", penwidth=2";
    out += "];\n";
  }
  for (const NodeRecord& node : record.nodes) {
    for (const NodeId input : node.inputs) {
      if (input >= record.nodes.size())
        continue;  // a malformed record; load_json() never produces one
      out += fmt::format("  n{} -> n{} [label=\"{}\"];\n", input, node.id,
                         escape(detail::shape_text(record.nodes[input].shape)));
    }
  }
  return out + "}\n";
}

template <class T>
std::string to_dot(const Tape<T>& tape) {
  return to_dot(record(tape, {.values = false, .grads = false}));
}

template std::string to_dot(const Tape<float>&);
template std::string to_dot(const Tape<double>&);

}  // namespace tapegrad::inspect
