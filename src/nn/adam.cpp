#include "tapegrad/nn/adam.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>
#include <xtensor/xbuilder.hpp>

#include "nn/subnormal.hpp"

namespace tapegrad::nn {

template <class T>
Adam<T>::Adam(std::vector<Parameter<T>*> parameters, T learning_rate, const AdamOptions& options)
    : Adam(std::vector<ParameterGroup<T>>{{std::move(parameters), learning_rate, T(0)}}, options) {}

template <class T>
Adam<T>::Adam(std::vector<ParameterGroup<T>> groups, const AdamOptions& options)
    : Adam(std::move(groups), options, false, "adam") {}

template <class T>
Adam<T>::Adam(std::vector<ParameterGroup<T>> groups, const AdamOptions& options, bool decoupled,
              const char* name)
    : Optimizer<T>(std::move(groups), name), options_(options), decoupled_(decoupled) {
  if (!(options.beta1 >= 0 && options.beta1 < 1) || !(options.beta2 >= 0 && options.beta2 < 1))
    this->fail(fmt::format("beta1 and beta2 must be in [0, 1), got {} and {}", options.beta1,
                           options.beta2));
  if (!(options.epsilon > 0) || !std::isfinite(options.epsilon))
    this->fail(fmt::format("epsilon must be a positive finite number, got {}", options.epsilon));
  steps_.assign(this->parameters_.size(), 0);
  for (const Parameter<T>* p : this->parameters_) {
    first_moment_.emplace_back(Tensor<T>(xt::zeros<T>(p->shape())));
    second_moment_.emplace_back(Tensor<T>(xt::zeros<T>(p->shape())));
  }
}

template <class T>
std::uint64_t Adam<T>::steps() const noexcept {
  return steps_.empty() ? 0 : *std::max_element(steps_.begin(), steps_.end());
}

template <class T>
void Adam<T>::update(std::size_t k) {
  const auto t = static_cast<double>(++steps_[k]);
  const T beta1 = static_cast<T>(options_.beta1);
  const T beta2 = static_cast<T>(options_.beta2);
  const T epsilon = static_cast<T>(options_.epsilon);
  // PyTorch's arrangement of the bias corrections: θ −= (α / c₁) · m / (√v / √c₂ + ε).
  const T lr = this->rate_of(k), decay = this->decay_of(k);
  const T step_size = static_cast<T>(lr / (1.0 - std::pow(options_.beta1, t)));
  const T sqrt_correction2 = static_cast<T>(std::sqrt(1.0 - std::pow(options_.beta2, t)));
  const T shrink = decoupled_ ? T(1) - lr * decay : T(1);
  const T l2 = decoupled_ ? T(0) : decay;
  Parameter<T>& p = *this->parameters_[k];
  T* theta = p.value().data();
  const T* g = p.grad().data();
  T* m = first_moment_[k].data();
  T* v = second_moment_[k].data();
  const std::size_t n = p.value().size();
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    const T gi = g[i] + l2 * theta[i];
    m[i] = flush_subnormal(beta1 * m[i] + (T(1) - beta1) * gi);  // see subnormal.hpp
    v[i] = flush_subnormal(beta2 * v[i] + (T(1) - beta2) * gi * gi);
    const T denominator = std::sqrt(v[i]) / sqrt_correction2 + epsilon;
    theta[i] = shrink * theta[i] - step_size * (m[i] / denominator);
  }
}

template <class T>
typename Optimizer<T>::State Adam<T>::state(std::size_t k) {
  return {{{"m", &first_moment_.at(k)}, {"v", &second_moment_.at(k)}}, {{"step", &steps_.at(k)}}};
}

template <class T>
AdamW<T>::AdamW(std::vector<Parameter<T>*> parameters, T learning_rate, T weight_decay,
                const AdamOptions& options)
    : AdamW(std::vector<ParameterGroup<T>>{{std::move(parameters), learning_rate, weight_decay}},
            options) {}

template <class T>
AdamW<T>::AdamW(std::vector<ParameterGroup<T>> groups, const AdamOptions& options)
    : Adam<T>(std::move(groups), options, true, "adamw") {}

template class Adam<float>;
template class Adam<double>;
template class AdamW<float>;
template class AdamW<double>;

}  // namespace tapegrad::nn
