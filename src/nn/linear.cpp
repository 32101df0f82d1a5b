#include "tapegrad/nn/linear.hpp"

#include <xtensor/xbuilder.hpp>

#include "tapegrad/core/error.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/ops/linalg.hpp"

namespace tapegrad::nn {

template <class T>
Linear<T>::Linear(std::size_t in, std::size_t out, Init init, Rng& rng, const std::string& name)
    : name_(name),
      weight_(init_weight<T>(in, out, init, rng), name + ".W"),
      bias_(Tensor<T>(xt::zeros<T>({out})), name + ".b") {}

template <class T>
Var<T> Linear<T>::operator()(Var<T> x) {
  if (!x.valid())
    throw StaleVarError("an empty Var was passed to layer " + name_, {"linear", std::nullopt, {}});
  Tape<T>& tape = *x.tape();
  return linear(x, tape.watch(weight_), tape.watch(bias_));
}

template class Linear<float>;
template class Linear<double>;

}  // namespace tapegrad::nn
