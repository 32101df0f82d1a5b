#pragma once
#include <cstdint>

namespace tapegrad {

/// Position of a node on its tape. Recording order is a topological order, so
/// a node's inputs always have smaller ids.
using NodeId = std::uint32_t;

}  // namespace tapegrad
