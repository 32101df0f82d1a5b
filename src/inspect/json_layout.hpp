#pragma once
// What the JSON file of a TapeRecord looks like and the limits a loaded file
// must respect, shared by the writer and the validating reader.
//
//   {"format": "tapegrad-tape", "version": 1, "dtype": "float64",
//    "output": 12 | null, "nodes": [node...], "trace": {...} (optional)}
//   node: {"id", "kind", "op", "label", "inputs", "shape", "requires_grad",
//          "attributes": [[name, value]...], "formula", "value_summary",
//          "value" (optional), "grad_summary" (optional), "grad" (optional),
//          "cost" (optional), "saved_bytes"}
//   trace: {"output", "seed": tensor, "steps": [{"node", "op", "label",
//           "grad_output": tensor, "contributions": [{"position", "input",
//           "gradient": tensor}...]}...]}
//   tensor: {"shape": [...], "values": [...]}
//
// Numbers that JSON cannot hold (NaN, ±Inf) are written as the strings
// "nan", "inf" and "-inf".

#include <cstddef>
#include <cstdint>

namespace tapegrad::inspect::json_layout {

inline constexpr const char* kFormat = "tapegrad-tape";

// Limits that keep a hostile file from costing unbounded time or memory.
inline constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 30;
inline constexpr std::size_t kMaxDepth = 32;  // the layout itself needs 6
inline constexpr std::size_t kMaxRank = 16;
inline constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 40;

}  // namespace tapegrad::inspect::json_layout
