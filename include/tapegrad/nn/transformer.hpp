#pragma once
// A pre-norm transformer block (as GPT-2; PyTorch's TransformerEncoderLayer
// with norm_first=True, activation gelu, no dropout):
//
//   y   = x + attn(ln1(x))
//   out = y + ff(ln2(y)),   ff = fc2(gelu(fc1(·))), dim → hidden → dim
//
// Sub-modules "ln1", "attn", "ln2", "ff" (parameters "attn.query.W",
// "ff.fc1.b", …). Normalising before each sub-layer keeps the residual path
// an identity, which is what lets deep stacks train without warmup tricks.

#include <cstddef>

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/attention.hpp"
#include "tapegrad/nn/layer_norm.hpp"
#include "tapegrad/nn/module.hpp"
#include "tapegrad/nn/random.hpp"
#include "tapegrad/nn/sequential.hpp"

namespace tapegrad::nn {

struct TransformerBlockOptions {
  bool causal = true;  ///< a language model's block sees only the past
  double eps = 1e-5;   ///< of both layer norms
};

template <class T>
class TAPEGRAD_EXPORT TransformerBlock : public Module<T> {
 public:
  TransformerBlock(std::size_t dim, std::size_t heads, std::size_t hidden, Rng& rng,
                   const TransformerBlockOptions& options = {});

  /// x (batch, time, dim) → (batch, time, dim).
  Var<T> forward(Var<T> x) override;

  LayerNorm<T> ln1;
  MultiHeadSelfAttention<T> attn;
  LayerNorm<T> ln2;
  Sequential<T> ff;
};

}  // namespace tapegrad::nn
