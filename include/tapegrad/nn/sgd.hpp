#pragma once
// Stochastic gradient descent.
//  * Sgd: θ ← θ − α ∇θ, as the lecture's training loop writes it; one
//    vectorised pass per parameter (split across threads when
//    set_num_threads allows).
//  * Momentum: v ← μ v + ∇θ; θ ← θ − α v (the heavy ball), or with Nesterov
//    θ ← θ − α (∇θ + μ v), which looks ahead along the velocity.
// Both clear the gradients after the update at no cost (Parameter::zero_grad).
// A group's weight decay λ is an L2 term added to the gradient, as PyTorch's
// SGD does: ∇θ + λθ takes the place of ∇θ above.

#include <cstddef>
#include <optional>
#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/optimizer.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT Sgd : public Optimizer<T> {
 public:
  /// The parameters must outlive the optimiser.
  Sgd(std::vector<Parameter<T>*> parameters, T learning_rate);
  explicit Sgd(std::vector<ParameterGroup<T>> groups);

  /// −α for its own parameters without weight decay: during backward the
  /// layer that reads a parameter may write the update straight into it
  /// (gradient_ready.hpp).
  std::optional<T> direct_update_scale(const Parameter<T>& parameter) const override;

 protected:
  /// θ ← θ − α ∇θ
  void update(std::size_t k) override;
};

template <class T>
class TAPEGRAD_EXPORT Momentum : public Optimizer<T> {
 public:
  /// momentum μ in [0, 1).
  Momentum(std::vector<Parameter<T>*> parameters, T learning_rate, T momentum = T(0.9),
           bool nesterov = false);
  explicit Momentum(std::vector<ParameterGroup<T>> groups, T momentum = T(0.9),
                    bool nesterov = false);

  T momentum() const noexcept { return momentum_; }
  bool nesterov() const noexcept { return nesterov_; }
  /// The velocity of parameters()[k] (flushed to 0 where it would be
  /// subnormal: src/nn/subnormal.hpp).
  const Tensor<T>& velocity(std::size_t k) const { return velocity_.at(k); }
  /// {"velocity"}.
  typename Optimizer<T>::State state(std::size_t k) override;

 protected:
  void update(std::size_t k) override;

 private:
  T momentum_;
  bool nesterov_;
  std::vector<Tensor<T>> velocity_;  // one per parameter, zero at the start
};

}  // namespace tapegrad::nn
