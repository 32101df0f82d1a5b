#pragma once
// Inverted dropout: in training mode each element is zeroed with probability
// p and the others are scaled by 1 / (1 − p), so the expected output is the
// input and eval mode is the identity (no rescaling at test time). The masks
// come from the layer's own seeded Rng: the same seed, the same masks.

#include <cstdint>

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/module.hpp"
#include "tapegrad/nn/random.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT Dropout : public Module<T> {
 public:
  /// p in [0, 1] (ValueError otherwise); p = 1 zeroes everything.
  explicit Dropout(double p, std::uint64_t seed = 0);

  /// x times a constant mask of 0 and 1 / (1 − p) when training; x itself in eval mode.
  Var<T> forward(Var<T> x) override;

  double p() const noexcept { return p_; }
  /// The generator of the masks (checkpoints save and restore it).
  Rng& rng() noexcept { return rng_; }

 private:
  double p_;
  Rng rng_;
};

}  // namespace tapegrad::nn
