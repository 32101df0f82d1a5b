#pragma once
// Plain stochastic gradient descent, θ ← θ − α ∇θ, as the lecture's training
// loop writes it. The update is one vectorised pass per parameter (split
// across threads when set_num_threads allows), and clearing the gradients
// afterwards costs nothing (Parameter::zero_grad).

#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT Sgd {
 public:
  /// The parameters must outlive the optimiser.
  Sgd(std::vector<Parameter<T>*> parameters, T learning_rate);

  /// θ ← θ − α ∇θ for every parameter with a gradient, then zero_grad().
  void step();
  void zero_grad();

  T learning_rate() const noexcept { return learning_rate_; }
  void set_learning_rate(T learning_rate);

 private:
  std::vector<Parameter<T>*> parameters_;
  T learning_rate_;
};

}  // namespace tapegrad::nn
