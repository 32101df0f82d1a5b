#pragma once
// Regularisers Ω(θ) as the lecture writes them, J = L(y, t) + λ Ω(θ): each is
// an ordinary expression recorded on the tape from the watched parameters, so
// ∇Ω joins the reverse sweep like any other term, with no special case:
//
//   Var<float> loss = cross_entropy(net(x), labels) + lambda * nn::l2_penalty(tape, params);
//
// Biases (parameters of rank < 2) are left out by default: penalising them
// does not reduce a model's capacity, only shifts its outputs.

#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad::nn {

struct PenaltyOptions {
  /// Include parameters of rank 0 and 1 (biases) too.
  bool include_biases = false;
};

/// Ω = ½ Σ ‖θ‖² over the parameters (∇θ Ω = θ); a rank-0 0 when none is penalised.
template <class T>
TAPEGRAD_EXPORT Var<T> l2_penalty(Tape<T>& tape, const std::vector<Parameter<T>*>& parameters,
                                  const PenaltyOptions& options = {});

/// Ω = Σ |θ| over the parameters (∇θ Ω = sign θ, 0 at 0).
template <class T>
TAPEGRAD_EXPORT Var<T> l1_penalty(Tape<T>& tape, const std::vector<Parameter<T>*>& parameters,
                                  const PenaltyOptions& options = {});

}  // namespace tapegrad::nn
