#pragma once
// A lookup table of `count` vectors of `dim` values (PyTorch's nn.Embedding):
// ids of any shape → (…ids, dim), op "embedding". The table is the parameter
// "weight" (count × dim), drawn from N(0, 1) as PyTorch does.

#include <cstddef>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/module.hpp"
#include "tapegrad/nn/random.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT Embedding : public Module<T> {
 public:
  Embedding(std::size_t count, std::size_t dim, Rng& rng);

  /// ids: a constant of whole numbers in [0, count) (ValueError otherwise).
  Var<T> forward(Var<T> ids) override;

  Parameter<T>& weight() noexcept { return weight_; }

 private:
  Parameter<T> weight_;
};

}  // namespace tapegrad::nn
