#include "tapegrad/nn/clip_grad.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "tapegrad/core/error.hpp"

namespace tapegrad::nn {
namespace {

template <class T>
void check_positive(const char* op, const char* what, T value) {
  if (!(value > T(0)) || !std::isfinite(value)) {
    throw ValueError(fmt::format("{} must be a positive finite number, got {}", what, value),
                     {op, std::nullopt, {}});
  }
}

/// The parameters with a gradient this step; ValueError for a null one.
template <class T>
std::vector<Parameter<T>*> with_gradients(const char* op,
                                          const std::vector<Parameter<T>*>& parameters) {
  std::vector<Parameter<T>*> result;
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (!parameters[i])
      throw ValueError(fmt::format("parameter {} is null", i), {op, std::nullopt, {}});
    if (!parameters[i]->grad_is_zero())
      result.push_back(parameters[i]);
  }
  return result;
}

}  // namespace

template <class T>
T clip_grad_norm(const std::vector<Parameter<T>*>& parameters, T max_norm) {
  check_positive("clip_grad_norm", "max_norm", max_norm);
  const std::vector<Parameter<T>*> clipped = with_gradients("clip_grad_norm", parameters);
  double squares = 0;  // in double: float sums of squares of many gradients lose digits
  for (Parameter<T>* p : clipped) {
    for (const T g : p->grad())
      squares += static_cast<double>(g) * static_cast<double>(g);
  }
  const double norm = std::sqrt(squares);
  const double scale = static_cast<double>(max_norm) / (norm + 1e-6);
  if (std::isfinite(norm) && scale < 1) {
    for (Parameter<T>* p : clipped)
      p->grad() *= static_cast<T>(scale);
  }
  return static_cast<T>(norm);
}

template <class T>
void clip_grad_value(const std::vector<Parameter<T>*>& parameters, T clip) {
  check_positive("clip_grad_value", "clip", clip);
  for (Parameter<T>* p : with_gradients("clip_grad_value", parameters)) {
    for (T& g : p->grad())
      g = std::clamp(g, -clip, clip);
  }
}

template float clip_grad_norm<float>(const std::vector<Parameter<float>*>&, float);
template double clip_grad_norm<double>(const std::vector<Parameter<double>*>&, double);
template void clip_grad_value<float>(const std::vector<Parameter<float>*>&, float);
template void clip_grad_value<double>(const std::vector<Parameter<double>*>&, double);

}  // namespace tapegrad::nn
