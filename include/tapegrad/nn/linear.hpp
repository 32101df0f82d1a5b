#pragma once
// A fully connected layer y = x · Wᵀ + b (op "linear"), W of shape (out, in):
// row i holds the weights into output i, as the lecture writes W(k). Its
// parameters are named "W" and "b" (labels "<name>.W", "<name>.b", see
// module.hpp), so tape printouts and checkpoint files show which layer they
// belong to.

#include <cstddef>
#include <string>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/init.hpp"
#include "tapegrad/nn/module.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT Linear : public Module<T> {
 public:
  /// W drawn by `init` from `rng`, b zero.
  Linear(std::size_t in, std::size_t out, Init init, Rng& rng, const std::string& name = "fc");

  /// x (…, in) → (…, out), watching W and b on x's tape.
  Var<T> forward(Var<T> x) override;
  /// relu(forward(x)) recorded as one linear_relu op (what Sequential records
  /// for this layer followed by a ReLU).
  Var<T> forward_relu(Var<T> x);

  Parameter<T>& weight() noexcept { return weight_; }
  Parameter<T>& bias() noexcept { return bias_; }
  std::size_t in_features() const noexcept { return weight_.shape()[1]; }
  std::size_t out_features() const noexcept { return weight_.shape()[0]; }

 private:
  Parameter<T> weight_;
  Parameter<T> bias_;

  /// x's tape, after checking x is not empty.
  Tape<T>& tape_of(const Var<T>& x) const;
};

}  // namespace tapegrad::nn
