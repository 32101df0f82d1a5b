#include "tapegrad/nn/linear.hpp"

#include <xtensor/xbuilder.hpp>

#include "tapegrad/core/error.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/ops/linalg.hpp"

namespace tapegrad::nn {

template <class T>
Linear<T>::Linear(std::size_t in, std::size_t out, Init init, Rng& rng, const std::string& name)
    : Module<T>(name),
      weight_(init_weight<T>(in, out, init, rng)),
      bias_(Tensor<T>(xt::zeros<T>({out}))) {
  this->register_parameter("W", weight_);
  this->register_parameter("b", bias_);
}

template <class T>
Tape<T>& Linear<T>::tape_of(const Var<T>& x) const {
  if (!x.valid())
    throw StaleVarError("an empty Var was passed to layer " + this->name(),
                        {"linear", std::nullopt, {}});
  return *x.tape();
}

template <class T>
Var<T> Linear<T>::forward(Var<T> x) {
  Tape<T>& tape = tape_of(x);
  return linear(x, tape.watch(weight_), tape.watch(bias_));
}

template <class T>
Var<T> Linear<T>::forward_relu(Var<T> x) {
  Tape<T>& tape = tape_of(x);
  return linear_relu(x, tape.watch(weight_), tape.watch(bias_));
}

template class Linear<float>;
template class Linear<double>;

}  // namespace tapegrad::nn
