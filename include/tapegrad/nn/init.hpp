#pragma once
// Weight initialisation for a layer with fan_in inputs and fan_out outputs.
// Xavier/Glorot keeps the variance of activations and gradients near 1 for
// tanh and sigmoid layers (Var = 2 / (fan_in + fan_out)); He/Kaiming doubles
// it for ReLU, which zeroes half its inputs (Var = 2 / fan_in). Draws come
// from nn::Rng, so a seed gives the same weights on every platform.

#include <cstddef>

#include "tapegrad/export.hpp"
#include "tapegrad/nn/random.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::nn {

enum class Init {
  xavier_uniform,  ///< U(−a, a), a = √(6 / (fan_in + fan_out))
  xavier_normal,   ///< N(0, 2 / (fan_in + fan_out))
  he_uniform,      ///< U(−a, a), a = √(6 / fan_in)
  he_normal,       ///< N(0, 2 / fan_in)
  zeros,
};

/// A weight matrix (fan_out, fan_in) — row i holds the weights into output i.
template <class T>
TAPEGRAD_EXPORT Tensor<T> init_weight(std::size_t fan_in, std::size_t fan_out, Init init, Rng& rng);

/// The variance `init` aims at for these fans (0 for zeros).
TAPEGRAD_EXPORT double init_variance(Init init, std::size_t fan_in, std::size_t fan_out);

}  // namespace tapegrad::nn
