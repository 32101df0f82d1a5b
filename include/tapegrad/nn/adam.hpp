#pragma once
// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019). Per element,
// at step t (counting from 1):
//   m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²
//   θ ← θ − α · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
// AdamW first shrinks every parameter, θ ← θ − α λ θ, decoupled from the
// gradient (an L2 term λΩ in the loss would instead be rescaled by √v).
// A group's weight decay λ is that shrink for AdamW; for Adam it is an L2
// term added to the gradient, g + λθ, as in PyTorch's Adam.
// Parameters without a gradient this step are left alone, state included;
// each parameter counts its own steps t (as it would when updated during
// backward(), where there is no one moment that starts a step).

#include <cstdint>
#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/optimizer.hpp"

namespace tapegrad::nn {

struct AdamOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
};

template <class T>
class TAPEGRAD_EXPORT Adam : public Optimizer<T> {
 public:
  Adam(std::vector<Parameter<T>*> parameters, T learning_rate = T(1e-3),
       const AdamOptions& options = {});
  explicit Adam(std::vector<ParameterGroup<T>> groups, const AdamOptions& options = {});

  /// The most updates any parameter has had (t of the last update when
  /// every parameter gets a gradient every step).
  std::uint64_t steps() const noexcept;
  /// m and v of parameters()[k] (flushed to 0 where they would be subnormal:
  /// src/nn/subnormal.hpp).
  const Tensor<T>& first_moment(std::size_t k) const { return first_moment_.at(k); }
  const Tensor<T>& second_moment(std::size_t k) const { return second_moment_.at(k); }
  /// {"m", "v"} and the counter {"step"}.
  typename Optimizer<T>::State state(std::size_t k) override;

 protected:
  Adam(std::vector<ParameterGroup<T>> groups, const AdamOptions& options, bool decoupled,
       const char* name);
  void update(std::size_t k) override;

 private:
  AdamOptions options_;
  bool decoupled_;                        // AdamW
  std::vector<std::uint64_t> steps_;      // t, one per parameter
  std::vector<Tensor<T>> first_moment_;   // m, one per parameter
  std::vector<Tensor<T>> second_moment_;  // v
};

template <class T>
class TAPEGRAD_EXPORT AdamW : public Adam<T> {
 public:
  /// weight_decay λ ≥ 0, applied to every parameter given (pass the weights
  /// only to spare the biases).
  AdamW(std::vector<Parameter<T>*> parameters, T learning_rate = T(1e-3), T weight_decay = T(1e-2),
        const AdamOptions& options = {});
  /// Each group with its own λ (0 for the biases and norms, for example).
  explicit AdamW(std::vector<ParameterGroup<T>> groups, const AdamOptions& options = {});
};

}  // namespace tapegrad::nn
