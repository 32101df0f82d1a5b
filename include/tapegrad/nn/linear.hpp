#pragma once
// A fully connected layer y = x · Wᵀ + b (op "linear"), W of shape (out, in):
// row i holds the weights into output i, as the lecture writes W(k). Its
// parameters are labelled "<name>.W" and "<name>.b", so tape printouts and
// checkpoint files show which layer they belong to.

#include <cstddef>
#include <string>
#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/init.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT Linear {
 public:
  /// W drawn by `init` from `rng`, b zero.
  Linear(std::size_t in, std::size_t out, Init init, Rng& rng, const std::string& name = "fc");
  /// Layers hand out pointers to their parameters: they do not move.
  Linear(const Linear&) = delete;
  Linear& operator=(const Linear&) = delete;

  /// x (batch, in) or (in,) → (batch, out) or (out,), watching W and b on x's tape.
  Var<T> operator()(Var<T> x);

  Parameter<T>& weight() noexcept { return weight_; }
  Parameter<T>& bias() noexcept { return bias_; }
  std::size_t in_features() const noexcept { return weight_.shape()[1]; }
  std::size_t out_features() const noexcept { return weight_.shape()[0]; }
  const std::string& name() const noexcept { return name_; }
  /// {&W, &b}.
  std::vector<Parameter<T>*> parameters() { return {&weight_, &bias_}; }

 private:
  std::string name_;
  Parameter<T> weight_;
  Parameter<T> bias_;
};

}  // namespace tapegrad::nn
