#pragma once
// Activation functions. softmax and log_softmax normalise each row along an
// axis (by default the last: a vector, each row of a matrix — one row per
// sample —, each time step's scores in a (batch, time, time) tensor); every
// output depends on every input of its row, so their backprop is the
// full-Jacobian product y ⊙ (g − ⟨g, y⟩), not an elementwise derivative.

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad {

template <class T>
TAPEGRAD_EXPORT Var<T> sigmoid(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> tanh(Var<T> x);
/// max(x, 0); the derivative at 0 is taken as 0.
template <class T>
TAPEGRAD_EXPORT Var<T> relu(Var<T> x);
/// x where x > 0, slope · x elsewhere (the derivative at 0 is slope).
template <class T>
TAPEGRAD_EXPORT Var<T> leaky_relu(Var<T> x, detail::identity_t<T> slope = T(0.01));
/// x where x > 0, alpha · (exp(x) − 1) elsewhere (the derivative at 0 is alpha).
template <class T>
TAPEGRAD_EXPORT Var<T> elu(Var<T> x, detail::identity_t<T> alpha = T(1));

/// Which form gelu computes: the exact x·Φ(x) = ½x(1 + erf(x/√2)), or
/// PyTorch's approximate="tanh", ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
enum class GeluApproximation { none, tanh };
template <class T>
TAPEGRAD_EXPORT Var<T> gelu(Var<T> x, GeluApproximation approximation = GeluApproximation::none);
/// x · sigmoid(x) (also called swish).
template <class T>
TAPEGRAD_EXPORT Var<T> silu(Var<T> x);
/// log(1 + exp(beta·x)) / beta, beta > 0; x itself where beta·x > threshold
/// (as PyTorch: no overflow, and exact for large inputs).
template <class T>
TAPEGRAD_EXPORT Var<T> softplus(Var<T> x, detail::identity_t<T> beta = T(1),
                                detail::identity_t<T> threshold = T(20));

/// exp(x) / Σ exp(x) along `axis` (negative counts from the end), computed
/// stably; x has rank ≥ 1.
template <class T>
TAPEGRAD_EXPORT Var<T> softmax(Var<T> x, int axis = -1);
/// x − log Σ exp(x) along `axis`, stable for logits of any size.
template <class T>
TAPEGRAD_EXPORT Var<T> log_softmax(Var<T> x, int axis = -1);

}  // namespace tapegrad
