#include "tapegrad/nn/init.hpp"

#include <cmath>

#include "tapegrad/core/error.hpp"

namespace tapegrad::nn {

double init_variance(Init init, std::size_t fan_in, std::size_t fan_out) {
  const auto in = static_cast<double>(fan_in);
  const auto out = static_cast<double>(fan_out);
  switch (init) {
    case Init::xavier_uniform:
    case Init::xavier_normal:
      return 2.0 / (in + out);
    case Init::he_uniform:
    case Init::he_normal:
      return 2.0 / in;
    case Init::zeros:
      return 0.0;
  }
  return 0.0;
}

template <class T>
Tensor<T> init_weight(std::size_t fan_in, std::size_t fan_out, Init init, Rng& rng) {
  if (fan_in == 0 || fan_out == 0) {
    throw ValueError("a layer needs at least one input and one output, got fan_in " +
                         std::to_string(fan_in) + " and fan_out " + std::to_string(fan_out),
                     {"init", std::nullopt, {}});
  }
  Tensor<T> w = Tensor<T>::from_shape({fan_out, fan_in});
  const double variance = init_variance(init, fan_in, fan_out);
  const double deviation = std::sqrt(variance);
  const double limit = std::sqrt(3.0 * variance);  // U(−a, a) has variance a²/3
  for (T& value : w) {
    switch (init) {
      case Init::xavier_uniform:
      case Init::he_uniform:
        value = static_cast<T>(rng.uniform(-limit, limit));
        break;
      case Init::xavier_normal:
      case Init::he_normal:
        value = static_cast<T>(deviation * rng.normal());
        break;
      case Init::zeros:
        value = T(0);
        break;
    }
  }
  return w;
}

template Tensor<float> init_weight<float>(std::size_t, std::size_t, Init, Rng&);
template Tensor<double> init_weight<double>(std::size_t, std::size_t, Init, Rng&);

}  // namespace tapegrad::nn
