#include "tapegrad/nn/sgd.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "tapegrad/core/error.hpp"
#include "tensor/blas.hpp"

namespace tapegrad::nn {
namespace {

template <class T>
void check_learning_rate(T learning_rate) {
  if (!(learning_rate > T(0)) || !std::isfinite(learning_rate)) {
    throw ValueError(
        "the learning rate must be a positive finite number, got " + std::to_string(learning_rate),
        {"sgd", std::nullopt, {}});
  }
}

}  // namespace

template <class T>
Sgd<T>::Sgd(std::vector<Parameter<T>*> parameters, T learning_rate)
    : parameters_(std::move(parameters)), learning_rate_(learning_rate) {
  check_learning_rate(learning_rate);
  for (const Parameter<T>* p : parameters_) {
    if (!p)
      throw ValueError("a null parameter was given", {"sgd", std::nullopt, {}});
  }
}

template <class T>
void Sgd<T>::step() {
  for (Parameter<T>* p : parameters_) {
    if (p->grad_is_zero())
      continue;  // nothing to apply, nothing to read
    blas::axpy(p->value().size(), -learning_rate_, p->grad().data(), p->value().data());
  }
  zero_grad();
}

template <class T>
void Sgd<T>::zero_grad() {
  for (Parameter<T>* p : parameters_)
    p->zero_grad();
}

template <class T>
void Sgd<T>::set_learning_rate(T learning_rate) {
  check_learning_rate(learning_rate);
  learning_rate_ = learning_rate;
}

template class Sgd<float>;
template class Sgd<double>;

}  // namespace tapegrad::nn
