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
  const std::optional<std::size_t> k = this->index_of(parameter);
  // Weight decay reads θ itself, which the fused update inside the GEMM cannot.
  if (!k || this->decay_of(*k) != T(0))
    return std::nullopt;
  return -this->rate_of(*k);
}

template <class T>
void Sgd<T>::update(std::size_t k) {
  Parameter<T>& p = *this->parameters_[k];
  const T lr = this->rate_of(k), decay = this->decay_of(k);
  if (decay == T(0)) {
    blas::axpy(p.value().size(), -lr, p.grad().data(), p.value().data());
    return;
  }
  T* theta = p.value().data();
  const T* g = p.grad().data();
  const std::size_t n = p.value().size();
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i)
    theta[i] -= lr * (g[i] + decay * theta[i]);
}

template <class T>
Sgd<T>::Sgd(std::vector<ParameterGroup<T>> groups) : Optimizer<T>(std::move(groups), "sgd") {}

template <class T>
Momentum<T>::Momentum(std::vector<Parameter<T>*> parameters, T learning_rate, T momentum,
                      bool nesterov)
    : Momentum(std::vector<ParameterGroup<T>>{{std::move(parameters), learning_rate, T(0)}},
               momentum, nesterov) {}

template <class T>
Momentum<T>::Momentum(std::vector<ParameterGroup<T>> groups, T momentum, bool nesterov)
    : Optimizer<T>(std::move(groups), nesterov ? "nesterov" : "momentum"),
      momentum_(momentum),
      nesterov_(nesterov) {
  if (!(momentum >= T(0) && momentum < T(1)))
    this->fail(fmt::format("the momentum must be in [0, 1), got {}", momentum));
  velocity_.reserve(this->parameters_.size());
  for (const Parameter<T>* p : this->parameters_)
    velocity_.emplace_back(Tensor<T>(xt::zeros<T>(p->shape())));
}

template <class T>
typename Optimizer<T>::State Momentum<T>::state(std::size_t k) {
  return {{{"velocity", &velocity_.at(k)}}, {}};
}

template <class T>
void Momentum<T>::update(std::size_t k) {
  const T lr = this->rate_of(k), decay = this->decay_of(k);
  Parameter<T>& p = *this->parameters_[k];
  T* theta = p.value().data();
  const T* g = p.grad().data();
  T* v = velocity_[k].data();
  const std::size_t n = p.value().size();
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    const T gi = g[i] + decay * theta[i];
    v[i] = flush_subnormal(momentum_ * v[i] + gi);  // see subnormal.hpp
    theta[i] -= lr * (nesterov_ ? gi + momentum_ * v[i] : v[i]);
  }
}

template class Sgd<float>;
template class Sgd<double>;
template class Momentum<float>;
template class Momentum<double>;

}  // namespace tapegrad::nn
