#include "tapegrad/nn/dropout.hpp"

#include <fmt/format.h>

#include "layer_input.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad::nn {

template <class T>
Dropout<T>::Dropout(double p, std::uint64_t seed) : p_(p), rng_(seed) {
  if (!(p >= 0 && p <= 1)) {
    throw ValueError(fmt::format("the drop probability must be in [0, 1], got {}", p),
                     {"dropout", std::nullopt, {}});
  }
}

template <class T>
Var<T> Dropout<T>::forward(Var<T> x) {
  detail::check_layer_input("dropout", *this, x, 0, SIZE_MAX, 0);
  if (!this->is_training() || p_ == 0)
    return x;
  // p = 1 keeps nothing; 1 / (1 − p) would be inf, and 0 · inf NaN.
  const T kept = p_ < 1 ? static_cast<T>(1 / (1 - p_)) : T(0);
  Tensor<T> mask = Tensor<T>::from_shape(x.shape());
  for (T& m : mask)
    m = rng_.uniform() < p_ ? T(0) : kept;
  return x * x.tape()->constant(std::move(mask));
}

template class Dropout<float>;
template class Dropout<double>;

}  // namespace tapegrad::nn
