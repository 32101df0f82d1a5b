#pragma once
// Cost estimates shared by the built-in ops (conventions in OpCost's comment).

#include <cstdint>

#include "tapegrad/core/operation.hpp"

namespace tapegrad::ops {

template <class T>
constexpr std::uint64_t bytes_of(std::uint64_t elements) {
  return elements * sizeof(T);
}

/// y = f(x) elementwise: forward reads x and writes y; backprop reads g and
/// x or y and writes ∂L/∂x.
template <class T>
OpCost unary_elementwise_cost(const CostQuery& query, unsigned forward_flops,
                              unsigned backprop_flops) {
  const std::uint64_t n = query.output_size();
  OpCost cost{forward_flops * n, bytes_of<T>(2 * n), 0, 0};
  if (query.needs(0)) {
    cost.backprop_flops = backprop_flops * n;
    cost.backprop_bytes = bytes_of<T>(3 * n);
  }
  return cost;
}

/// What sending a full-size contribution (n elements, `flops` each, reading
/// g and `reads` more full-size tensors) to input i costs, including summing
/// it over the axes along which input i was broadcast.
template <class T>
void add_broadcast_gradient_cost(OpCost& cost, const CostQuery& query, std::size_t i,
                                 unsigned flops, unsigned reads) {
  const std::uint64_t n = query.output_size();
  const std::uint64_t m = query.input_size(i);
  cost.backprop_flops += flops * n + (n - m);
  cost.backprop_bytes += bytes_of<T>((1 + reads) * n + m);
}

}  // namespace tapegrad::ops
