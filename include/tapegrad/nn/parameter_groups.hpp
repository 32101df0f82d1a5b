#pragma once
// Parameter groups: one optimiser, several sets of parameters, each with its
// own learning rate and weight decay — typically decay on the weight
// matrices and none on biases and normalisation parameters:
//
//   auto [decay, no_decay] = nn::split_parameters(model.named_parameters(), nn::is_matrix);
//   nn::AdamW<float> opt({{.parameters = decay, .learning_rate = 1e-3f, .weight_decay = 0.01f},
//                         {.parameters = no_decay, .learning_rate = 1e-3f}});
//
// The learning rate given here is the group's base rate; a scheduler
// (scheduler.hpp) scales every group's base rate by the same factor.

#include <string>
#include <utility>
#include <vector>

#include "tapegrad/core/parameter.hpp"

namespace tapegrad::nn {

template <class T>
struct ParameterGroup {
  std::vector<Parameter<T>*> parameters;
  T learning_rate = T(0);  ///< the base rate (> 0)
  T weight_decay = T(0);   ///< λ ≥ 0; what it does depends on the optimiser (its header)
};

/// Whether a parameter is a matrix or higher (a weight), not a vector (a
/// bias, a LayerNorm scale or shift): the usual "decay the weights only" rule.
/// An object, so split_parameters(named, is_matrix) needs no template argument.
inline constexpr struct IsMatrix {
  template <class T>
  bool operator()(const std::string& /*name*/, const Parameter<T>& p) const {
    return p.value().dimension() >= 2;
  }
} is_matrix{};

/// (those for which `predicate` holds, the others), each in the given order.
template <class T, class Predicate>
std::pair<std::vector<Parameter<T>*>, std::vector<Parameter<T>*>> split_parameters(
    const std::vector<std::pair<std::string, Parameter<T>*>>& named, Predicate&& predicate) {
  std::pair<std::vector<Parameter<T>*>, std::vector<Parameter<T>*>> split;
  for (const auto& [name, p] : named)
    (predicate(name, *p) ? split.first : split.second).push_back(p);
  return split;
}

}  // namespace tapegrad::nn
