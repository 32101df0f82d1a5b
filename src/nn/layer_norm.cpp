#include "tapegrad/nn/layer_norm.hpp"

#include <cmath>

#include <fmt/format.h>
#include <xtensor/xbuilder.hpp>

#include "layer_input.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/math.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad::nn {

template <class T>
LayerNorm<T>::LayerNorm(std::size_t features, double eps)
    : weight_(Tensor<T>(xt::ones<T>({features}))),
      bias_(Tensor<T>(xt::zeros<T>({features}))),
      eps_(eps) {
  if (features == 0 || !(eps > 0) || !std::isfinite(eps)) {
    throw ValueError(fmt::format("layer norm needs features ≥ 1 and a finite eps > 0, got {} "
                                 "features and eps {}",
                                 features, eps),
                     {"layer_norm", std::nullopt, {}});
  }
  this->register_parameter("weight", weight_);
  this->register_parameter("bias", bias_);
}

template <class T>
Var<T> LayerNorm<T>::forward(Var<T> x) {
  detail::check_layer_input("layer_norm", *this, x, 1, SIZE_MAX, weight_.shape()[0]);
  Tape<T>& tape = *x.tape();
  Var<T> centred = x - mean(x, -1, true);
  Var<T> variance = mean(square(centred), -1, true);
  Var<T> normalised = centred / sqrt(variance + static_cast<T>(eps_));
  return normalised * tape.watch(weight_) + tape.watch(bias_);
}

template class LayerNorm<float>;
template class LayerNorm<double>;

}  // namespace tapegrad::nn
