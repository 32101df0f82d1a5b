#pragma once
// Text pieces shared by every printout of a TapeRecord (table, trace, DOT,
// statistics), so a number or a shape reads the same everywhere.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect::detail {

/// Tensors of at most this many elements are shown element by element.
inline constexpr std::size_t kShownElements = 6;

/// One number, 6 significant digits ("0.609450", "-inf", "nan").
std::string number(double value);
/// "(2, 3)"; "()" for a scalar.
std::string shape_text(std::span<const std::size_t> shape);
/// Product of the dimensions (1 for a scalar); saturates instead of wrapping.
std::size_t element_count(std::span<const std::size_t> shape);
/// Nested brackets following the shape: "[[1, 2], [3, 4]]", "0.5" for a scalar.
/// `values` must hold element_count(shape) numbers; an empty tensor is "[]".
std::string values_text(std::span<const std::size_t> shape, std::span<const double> values);
/// "min -1 mean 0.2 max 3" (plus "nonfinite N" when there are any).
std::string summary_text(const TensorSummary& summary);
/// The values when there are few enough of them and they were kept, else the summary.
std::string tensor_text(std::span<const std::size_t> shape, std::span<const double> values,
                        const TensorSummary& summary);
/// "constant", "variable", "parameter" or "op" (the JSON file's names).
std::string_view kind_name(NodeKind kind);
/// What a node is: its op name, or constant/variable/parameter for a leaf.
std::string_view kind_text(const NodeRecord& node);
/// An op attribute by name and meaning: "reduction: sum" for a loss's
/// "mean" flag (0 would read like a value), "transpose_a: no" for a flag,
/// "axis: -1" for the others.
std::string attribute_text(std::string_view name, double value);
/// User text (labels, op names from a file) safe to print on a terminal:
/// control characters become escapes ("\n", "\t", "\x1b", "\u009b" for the
/// C1 controls), so a label cannot move the cursor or clear the screen. DOT
/// output escapes for its own syntax instead (dot.cpp).
std::string printable(std::string_view text);
/// Display width of UTF-8 text (code points; labels may hold "∇" or "·").
std::size_t display_width(std::string_view text);
/// `text` padded with spaces to `width` columns (left-aligned, or right).
std::string pad(std::string_view text, std::size_t width, bool right = false);

/// Lays out rows of cells in aligned columns separated by two spaces;
/// trailing spaces are trimmed. `right[i]` right-aligns column i.
std::string aligned(const std::vector<std::vector<std::string>>& rows,
                    const std::vector<bool>& right);

}  // namespace tapegrad::inspect::detail
