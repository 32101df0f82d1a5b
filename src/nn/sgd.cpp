#include "tapegrad/nn/sgd.hpp"

#include <utility>

#include <fmt/format.h>
#include <xtensor/xbuilder.hpp>

#include "nn/subnormal.hpp"
#include "tensor/blas.hpp"

namespace tapegrad::nn {

template <class T>
Sgd<T>::Sgd(std::vector<Parameter<T>*> parameters, T learning_rate)
    : Optimizer<T>(std::move(parameters), learning_rate, "sgd") {}

template <class T>
std::optional<T> Sgd<T>::direct_update_scale(const Parameter<T>& parameter) const {
  if (!this->holds(parameter))
    return std::nullopt;
  return -this->learning_rate_;
}

template <class T>
void Sgd<T>::update(std::size_t k) {
  Parameter<T>& p = *this->parameters_[k];
  blas::axpy(p.value().size(), -this->learning_rate_, p.grad().data(), p.value().data());
}

template <class T>
Momentum<T>::Momentum(std::vector<Parameter<T>*> parameters, T learning_rate, T momentum,
                      bool nesterov)
    : Optimizer<T>(std::move(parameters), learning_rate, nesterov ? "nesterov" : "momentum"),
      momentum_(momentum),
      nesterov_(nesterov) {
  if (!(momentum >= T(0) && momentum < T(1)))
    this->fail(fmt::format("the momentum must be in [0, 1), got {}", momentum));
  velocity_.reserve(this->parameters_.size());
  for (const Parameter<T>* p : this->parameters_)
    velocity_.emplace_back(Tensor<T>(xt::zeros<T>(p->shape())));
}

template <class T>
void Momentum<T>::update(std::size_t k) {
  const T lr = this->learning_rate_;
  Parameter<T>& p = *this->parameters_[k];
  T* theta = p.value().data();
  const T* g = p.grad().data();
  T* v = velocity_[k].data();
  const std::size_t n = p.value().size();
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = flush_subnormal(momentum_ * v[i] + g[i]);  // see subnormal.hpp
    theta[i] -= lr * (nesterov_ ? g[i] + momentum_ * v[i] : v[i]);
  }
}

template class Sgd<float>;
template class Sgd<double>;
template class Momentum<float>;
template class Momentum<double>;

}  // namespace tapegrad::nn
