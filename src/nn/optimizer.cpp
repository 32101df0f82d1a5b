#include "tapegrad/nn/optimizer.hpp"

#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "tapegrad/core/error.hpp"

namespace tapegrad::nn {

template <class T>
Optimizer<T>::Optimizer(std::vector<Parameter<T>*> parameters, T learning_rate, std::string name)
    : parameters_(std::move(parameters)), learning_rate_(learning_rate), name_(std::move(name)) {
  set_learning_rate(learning_rate);
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    if (!parameters_[i])
      fail(fmt::format("parameter {} is null", i));
    const auto [first, added] = index_.emplace(parameters_[i], i);
    if (!added) {
      fail(
          fmt::format("parameters {} and {} ('{}') are the same; it would be updated twice per "
                      "step",
                      first->second, i, parameters_[i]->label()));
    }
  }
}

template <class T>
void Optimizer<T>::step() {
  for (std::size_t k = 0; k < parameters_.size(); ++k) {
    if (!parameters_[k]->grad_is_zero())
      update(k);  // else: nothing to apply, nothing to read
  }
  zero_grad();
}

template <class T>
void Optimizer<T>::gradient_ready(Parameter<T>& parameter) {
  const auto found = index_.find(&parameter);
  if (found == index_.end())
    return;
  update(found->second);
  parameter.zero_grad();
}

template <class T>
Optimizer<T>::~Optimizer() = default;

template <class T>
void Optimizer<T>::zero_grad() {
  for (Parameter<T>* p : parameters_)
    p->zero_grad();
}

template <class T>
void Optimizer<T>::set_learning_rate(T learning_rate) {
  if (!(learning_rate > T(0)) || !std::isfinite(learning_rate))
    fail(fmt::format("the learning rate must be a positive finite number, got {}", learning_rate));
  learning_rate_ = learning_rate;
}

template <class T>
void Optimizer<T>::fail(const std::string& message) const {
  throw ValueError(message, {name_, std::nullopt, {}});
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace tapegrad::nn
