#include "tapegrad/nn/optimizer.hpp"

#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "tapegrad/core/error.hpp"

namespace tapegrad::nn {

template <class T>
Optimizer<T>::Optimizer(std::vector<Parameter<T>*> parameters, T learning_rate, std::string name)
    : Optimizer(std::vector<ParameterGroup<T>>{{std::move(parameters), learning_rate, T(0)}},
                std::move(name)) {}

template <class T>
Optimizer<T>::Optimizer(std::vector<ParameterGroup<T>> groups, std::string name)
    : name_(std::move(name)) {
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const ParameterGroup<T>& group = groups[g];
    // One group is the plain constructor: its messages need no group number.
    const std::string where = groups.size() == 1 ? "" : fmt::format(" of group {}", g);
    if (!(group.learning_rate > T(0)) || !std::isfinite(group.learning_rate)) {
      fail(fmt::format("the learning rate{} must be a positive finite number, got {}", where,
                       group.learning_rate));
    }
    if (!(group.weight_decay >= T(0)) || !std::isfinite(group.weight_decay)) {
      fail(fmt::format("the weight decay{} must be a finite number ≥ 0, got {}", where,
                       group.weight_decay));
    }
    groups_.push_back({group.learning_rate, group.learning_rate, group.weight_decay});
    for (Parameter<T>* p : group.parameters) {
      const std::size_t i = parameters_.size();
      if (!p)
        fail(fmt::format("parameter {} is null", i));
      const auto [first, added] = index_.emplace(p, i);
      if (!added) {
        fail(
            fmt::format("parameters {} and {} ('{}') are the same; it would be updated twice per "
                        "step",
                        first->second, i, p->label()));
      }
      parameters_.push_back(p);
      group_of_.push_back(g);
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
  for (std::size_t g = 0; g < groups_.size(); ++g)
    set_learning_rate(g, learning_rate);
}

template <class T>
void Optimizer<T>::set_learning_rate(std::size_t group, T learning_rate) {
  if (group >= groups_.size())
    fail(fmt::format("there is no group {}: the optimiser has {}", group, groups_.size()));
  if (!(learning_rate >= T(0)) || !std::isfinite(learning_rate))
    fail(fmt::format("the learning rate must be a finite number ≥ 0, got {}", learning_rate));
  groups_[group].learning_rate = learning_rate;
}

template <class T>
typename Optimizer<T>::State Optimizer<T>::state(std::size_t /*k*/) {
  return {};
}

template <class T>
void Optimizer<T>::fail(const std::string& message) const {
  throw ValueError(message, {name_, std::nullopt, {}});
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace tapegrad::nn
