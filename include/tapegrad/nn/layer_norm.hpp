#pragma once
// Layer normalisation over the last axis (PyTorch's nn.LayerNorm of one
// extent): y = (x − mean) / √(var + ε) · weight + bias, with the biased
// variance (divided by n) as PyTorch. weight starts at 1, bias at 0.

#include <cstddef>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/module.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT LayerNorm : public Module<T> {
 public:
  explicit LayerNorm(std::size_t features, double eps = 1e-5);

  /// x (…, features) → the same shape.
  Var<T> forward(Var<T> x) override;

  Parameter<T>& weight() noexcept { return weight_; }
  Parameter<T>& bias() noexcept { return bias_; }
  double eps() const noexcept { return eps_; }

 private:
  Parameter<T> weight_;
  Parameter<T> bias_;
  double eps_;
};

}  // namespace tapegrad::nn
