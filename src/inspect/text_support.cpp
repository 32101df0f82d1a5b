#include "inspect/text_support.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace tapegrad::inspect::detail {

std::string number(double value) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  return fmt::format("{:.6g}", value);
}

std::string shape_text(std::span<const std::size_t> shape) {
  if (shape.size() == 1)
    return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape.begin(), shape.end(), ", "));
}

std::size_t element_count(std::span<const std::size_t> shape) {
  std::size_t count = 1;
  for (const std::size_t dim : shape) {
    if (dim != 0 && count > std::numeric_limits<std::size_t>::max() / dim)
      return std::numeric_limits<std::size_t>::max();
    count *= dim;
  }
  return count;
}

namespace {

// Writes the block of `values` starting at `offset` for dimensions [axis, rank).
void append_block(std::string& out, std::span<const std::size_t> shape, std::size_t axis,
                  std::span<const double> values, std::size_t& offset) {
  if (axis == shape.size()) {
    out += number(values[offset++]);
    return;
  }
  out += '[';
  for (std::size_t i = 0; i < shape[axis]; ++i) {
    if (i > 0)
      out += ", ";
    append_block(out, shape, axis + 1, values, offset);
  }
  out += ']';
}

}  // namespace

std::string values_text(std::span<const std::size_t> shape, std::span<const double> values) {
  // No elements: "[]" whatever the shape, so (10¹², 0) costs nothing to print.
  if (!shape.empty() && element_count(shape) == 0)
    return "[]";
  std::string out;
  std::size_t offset = 0;
  append_block(out, shape, 0, values, offset);
  return out;
}

std::string summary_text(const TensorSummary& summary) {
  std::string out = fmt::format("min {} mean {} max {}", number(summary.min), number(summary.mean),
                                number(summary.max));
  if (summary.nonfinite > 0)
    out += fmt::format(" nonfinite {}", summary.nonfinite);
  return out;
}

std::string tensor_text(std::span<const std::size_t> shape, std::span<const double> values,
                        const TensorSummary& summary) {
  const std::size_t count = element_count(shape);
  if (count <= kShownElements && values.size() == count)
    return values_text(shape, values);
  return summary_text(summary);
}

std::string_view kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::constant:
      return "constant";
    case NodeKind::variable:
      return "variable";
    case NodeKind::parameter:
      return "parameter";
    case NodeKind::op:
      break;
  }
  return "op";
}

std::string_view kind_text(const NodeRecord& node) {
  return node.kind == NodeKind::op ? std::string_view(node.op) : kind_name(node.kind);
}

std::string attribute_text(std::string_view name, double value) {
  // The losses' Reduction is stored as a number (src/ops/loss_reduction.hpp).
  if (name == "mean")
    return value == 0 ? "reduction: sum" : "reduction: mean";
  // Flags stored as 0/1.
  if (name == "transpose_a" || name == "transpose_b" || name == "keepdims")
    return fmt::format("{}: {}", name, value == 0 ? "no" : "yes");
  return fmt::format("{}: {}", name, number(value));
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (byte == 0xC2 && next >= 0x80 && next <= 0x9F) {
      out += fmt::format("\\u{:04x}", next);  // U+0080..U+009F in UTF-8
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  // Counts every byte that does not continue a UTF-8 sequence.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string pad(std::string_view text, std::size_t width, bool right) {
  const std::size_t w = display_width(text);
  const std::string fill(w < width ? width - w : 0, ' ');
  return right ? fill + std::string(text) : std::string(text) + fill;
}

std::string aligned(const std::vector<std::vector<std::string>>& rows,
                    const std::vector<bool>& right) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size())
      widths.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], display_width(row[c]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0)
        line += "  ";
      line += pad(row[c], widths[c], c < right.size() && right[c]);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace tapegrad::inspect::detail
