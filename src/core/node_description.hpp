#pragma once
// How core's error messages name a node: "node 3", or "node 3 ('x')" when it
// has a label.

#include <string>

#include "tapegrad/core/node_id.hpp"

namespace tapegrad::detail {

inline std::string describe_node(const std::string& label, NodeId id) {
  return label.empty() ? "node " + std::to_string(id)
                       : "node " + std::to_string(id) + " ('" + label + "')";
}

}  // namespace tapegrad::detail
