#pragma once
// A target shape carried by an op (sum_to, broadcast_to, reshape): reported
// as attributes rank, d0, d1, … so the op prints, saves and is rebuilt by
// name like any other.

#include <array>
#include <string>
#include <string_view>

#include "ops/support.hpp"

namespace tapegrad::ops {

/// The names a shape-carrying op accepts (its kAttributes): the rank and up
/// to 8 extents.
inline constexpr std::array<std::string_view, 9> kShapeAttributes{"rank", "d0", "d1", "d2", "d3",
                                                                  "d4",   "d5", "d6", "d7"};

/// "d0", "d1", … (appended, not "d" + …: GCC 12 warns falsely on that, PR105329).
inline std::string extent_name(std::size_t axis) {
  std::string name = "d";
  name += std::to_string(axis);
  return name;
}

inline Attributes shape_attributes(const Shape& shape) {
  Attributes a;
  a.set("rank", static_cast<double>(shape.size()));
  for (std::size_t k = 0; k < shape.size(); ++k)
    a.set(extent_name(k), static_cast<double>(shape[k]));
  return a;
}

inline Shape shape_from_attributes(const Attributes& a, std::string_view op) {
  const double rank = required_attribute(a, op, "rank");
  if (!(rank >= 0 && rank <= 8) || rank != static_cast<double>(static_cast<std::size_t>(rank)))
    throw ValueError("attribute 'rank' must be a whole number in [0, 8]",
                     {std::string(op), {}, {}});
  Shape shape;
  for (std::size_t k = 0; k < static_cast<std::size_t>(rank); ++k) {
    const double extent = required_attribute(a, op, extent_name(k));
    if (!(extent >= 0) || extent != static_cast<double>(static_cast<std::size_t>(extent))) {
      throw ValueError("attribute '" + extent_name(k) + "' must be a whole number ≥ 0",
                       {std::string(op), {}, {}});
    }
    shape.push_back(static_cast<std::size_t>(extent));
  }
  return shape;
}

}  // namespace tapegrad::ops
