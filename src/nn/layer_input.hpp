#pragma once
// The input checks every layer makes before recording: a live Var whose rank
// and last extent are what the layer was built for. The error names the layer
// kind as its op, the module's name as the label, and x's node and shape.

#include <cstddef>
#include <cstdint>
#include <string>

#include "tapegrad/core/error.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/nn/module.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::nn::detail {

/// x must be valid, of rank in [min_rank, max_rank], with last extent `features`
/// (any when features is 0).
template <class T>
void check_layer_input(const char* kind, const Module<T>& layer, Var<T> x, std::size_t min_rank,
                       std::size_t max_rank, std::size_t features) {
  if (!x.valid())
    throw StaleVarError("an empty Var was passed to the layer", {kind, std::nullopt, layer.name()});
  const Shape& shape = x.shape();
  const bool rank_ok = shape.size() >= min_rank && shape.size() <= max_rank;
  if (rank_ok && (features == 0 || shape.back() == features))
    return;
  std::string expected = max_rank == min_rank   ? "rank " + std::to_string(min_rank)
                         : max_rank == SIZE_MAX ? "rank ≥ " + std::to_string(min_rank)
                                                : "rank " + std::to_string(min_rank) + " to " +
                                                      std::to_string(max_rank);
  if (features != 0)
    expected += " with last extent " + std::to_string(features);
  throw ShapeError("input of shape " + shape_to_string(shape) + ", expected " + expected,
                   {kind, x.id(), layer.name()});
}

}  // namespace tapegrad::nn::detail
