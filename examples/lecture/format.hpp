#pragma once
// The lecture example's number format: ten decimals, nested brackets.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstddef>
#include <string>
#include <vector>

namespace lecture {

/// A row-major vector or matrix of `shape` as "[a, b]" or "[[a, b], [c, d]]".
inline std::string format_values(const std::vector<std::size_t>& shape, const double* values) {
  const auto row = [&](std::size_t offset, std::size_t length) {
    std::vector<std::string> items;
    for (std::size_t j = 0; j < length; ++j)
      items.push_back(fmt::format("{:.10f}", values[offset + j]));
    return fmt::format("[{}]", fmt::join(items, ", "));
  };
  if (shape.size() < 2)
    return row(0, shape.empty() ? 1 : shape[0]);
  std::vector<std::string> rows;
  for (std::size_t i = 0; i < shape[0]; ++i)
    rows.push_back(row(i * shape[1], shape[1]));
  return fmt::format("[{}]", fmt::join(rows, ", "));
}

}  // namespace lecture
