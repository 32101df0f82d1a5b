#pragma once
// Multi-head self-attention (PyTorch's nn.MultiheadAttention with query =
// key = value = x, batch_first=True): for x (batch, time, dim) and h heads of
// d = dim / h values each,
//
//   q, k, v = query(x), key(x), value(x)          three Linears, dim → dim
//   head_i  = softmax(q_i k_iᵀ / √d [masked]) v_i  per head, one batched GEMM
//   y       = out(concat of the heads)            a Linear, dim → dim
//
// PyTorch stacks query, key and value in one in_proj_weight (3·dim, dim): its
// three row blocks are our query.W, key.W and value.W. With `causal`, step t
// attends to steps ≤ t only (scores above the diagonal set to −inf before the
// softmax, as PyTorch's attn_mask = triu(ones, 1)).

#include <cstddef>

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/linear.hpp"
#include "tapegrad/nn/module.hpp"
#include "tapegrad/nn/random.hpp"

namespace tapegrad::nn {

struct AttentionOptions {
  bool causal = false;
};

template <class T>
class TAPEGRAD_EXPORT MultiHeadSelfAttention : public Module<T> {
 public:
  /// dim must be a multiple of heads (ValueError otherwise). Weights Xavier uniform, biases 0.
  MultiHeadSelfAttention(std::size_t dim, std::size_t heads, Rng& rng,
                         const AttentionOptions& options = {});

  /// x (batch, time, dim) → (batch, time, dim).
  Var<T> forward(Var<T> x) override;

  std::size_t dim() const noexcept { return query.in_features(); }
  std::size_t heads() const noexcept { return heads_; }
  bool causal() const noexcept { return options_.causal; }

  Linear<T> query;
  Linear<T> key;
  Linear<T> value;
  Linear<T> out;

 private:
  std::size_t heads_;
  AttentionOptions options_;
};

}  // namespace tapegrad::nn
