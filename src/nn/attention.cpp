#include "tapegrad/nn/attention.hpp"

#include <array>
#include <cmath>

#include "layer_input.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/comparisons.hpp"
#include "tapegrad/ops/indexing.hpp"
#include "tapegrad/ops/linalg.hpp"
#include "tapegrad/ops/shape.hpp"

namespace tapegrad::nn {
namespace {

std::size_t checked_heads(std::size_t dim, std::size_t heads) {
  if (dim == 0 || heads == 0 || dim % heads != 0) {
    throw ValueError("attention needs dim ≥ 1 divisible by heads ≥ 1, got dim " +
                         std::to_string(dim) + " and " + std::to_string(heads) + " heads",
                     {"attention", std::nullopt, {}});
  }
  return heads;
}

/// 1 where query step i may see key step j (j ≤ i), 0 above the diagonal.
template <class T>
Tensor<T> causal_mask(std::size_t time) {
  Tensor<T> mask = Tensor<T>::from_shape({time, time});
  for (std::size_t i = 0; i < time; ++i) {
    for (std::size_t j = 0; j < time; ++j)
      mask(i, j) = j <= i ? T(1) : T(0);
  }
  return mask;
}

}  // namespace

template <class T>
MultiHeadSelfAttention<T>::MultiHeadSelfAttention(std::size_t dim, std::size_t heads, Rng& rng,
                                                  const AttentionOptions& options)
    : query(dim, dim, Init::xavier_uniform, rng, ""),
      key(dim, dim, Init::xavier_uniform, rng, ""),
      value(dim, dim, Init::xavier_uniform, rng, ""),
      out(dim, dim, Init::xavier_uniform, rng, ""),
      heads_(checked_heads(dim, heads)),
      options_(options) {
  this->register_module("query", query);
  this->register_module("key", key);
  this->register_module("value", value);
  this->register_module("out", out);
}

template <class T>
Var<T> MultiHeadSelfAttention<T>::forward(Var<T> x) {
  detail::check_layer_input("attention", *this, x, 3, 3, dim());
  const std::size_t batch = x.shape()[0], time = x.shape()[1];
  const std::size_t head_dim = dim() / heads_;
  std::array<int, 4> swap_time_and_heads = {0, 2, 1, 3};
  // (batch, time, dim) → (batch·heads, time, head_dim): each head a batch entry.
  const auto split_heads = [&](Var<T> y) {
    Var<T> by_head =
        permute(reshape(y, {batch, time, heads_, head_dim}), Span<int>(swap_time_and_heads));
    return reshape(by_head, {batch * heads_, time, head_dim});
  };
  Var<T> scores = matmul(split_heads(query(x)), split_heads(key(x)), Transpose::b) *
                  static_cast<T>(1 / std::sqrt(static_cast<double>(head_dim)));
  if (options_.causal) {
    Tape<T>& tape = *x.tape();
    scores =
        where(tape.constant(causal_mask<T>(time)), scores, tape.constant(Tensor<T>(-INFINITY)));
  }
  Var<T> heads = matmul(softmax(scores, -1), split_heads(value(x)));
  Var<T> merged =
      permute(reshape(heads, {batch, heads_, time, head_dim}), Span<int>(swap_time_and_heads));
  return out(reshape(merged, {batch, time, dim()}));
}

template class MultiHeadSelfAttention<float>;
template class MultiHeadSelfAttention<double>;

}  // namespace tapegrad::nn
