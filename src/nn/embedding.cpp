#include "tapegrad/nn/embedding.hpp"

#include "layer_input.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/ops/indexing.hpp"

namespace tapegrad::nn {

template <class T>
Embedding<T>::Embedding(std::size_t count, std::size_t dim, Rng& rng)
    : weight_(Tensor<T>::from_shape({count, dim})) {
  if (count == 0 || dim == 0) {
    throw ValueError("an embedding needs at least one vector of one value, got " +
                         std::to_string(count) + " × " + std::to_string(dim),
                     {"embedding", std::nullopt, {}});
  }
  for (T& value : weight_.value())
    value = static_cast<T>(rng.normal());
  this->register_parameter("weight", weight_);
}

template <class T>
Var<T> Embedding<T>::forward(Var<T> ids) {
  detail::check_layer_input("embedding", *this, ids, 0, SIZE_MAX, 0);
  return embedding(ids.tape()->watch(weight_), ids);
}

template class Embedding<float>;
template class Embedding<double>;

}  // namespace tapegrad::nn
