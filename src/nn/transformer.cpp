#include "tapegrad/nn/transformer.hpp"

#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad::nn {

template <class T>
TransformerBlock<T>::TransformerBlock(std::size_t dim, std::size_t heads, std::size_t hidden,
                                      Rng& rng, const TransformerBlockOptions& options)
    : ln1(dim, options.eps), attn(dim, heads, rng, {options.causal}), ln2(dim, options.eps) {
  ff.linear(dim, hidden, Init::xavier_uniform, rng)
      .activation(Activation::gelu)
      .linear(hidden, dim, Init::xavier_uniform, rng);
  this->register_module("ln1", ln1);
  this->register_module("attn", attn);
  this->register_module("ln2", ln2);
  this->register_module("ff", ff);
}

template <class T>
Var<T> TransformerBlock<T>::forward(Var<T> x) {
  Var<T> y = x + attn(ln1(x));
  return y + ff(ln2(y));
}

template class TransformerBlock<float>;
template class TransformerBlock<double>;

}  // namespace tapegrad::nn
