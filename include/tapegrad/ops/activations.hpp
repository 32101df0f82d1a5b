#pragma once
// Activation functions. softmax and log_softmax normalise each row along an
// axis (by default the last: a vector, each row of a matrix — one row per
// sample —, each time step's scores in a (batch, time, time) tensor); every
// output depends on every input of its row, so their backprop is the
// full-Jacobian product y ⊙ (g − ⟨g, y⟩), not an elementwise derivative.

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

template <class T>
TAPEGRAD_EXPORT Var<T> sigmoid(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> tanh(Var<T> x);
/// max(x, 0); the derivative at 0 is taken as 0.
template <class T>
TAPEGRAD_EXPORT Var<T> relu(Var<T> x);
/// exp(x) / Σ exp(x) along `axis` (negative counts from the end), computed
/// stably; x has rank ≥ 1.
template <class T>
TAPEGRAD_EXPORT Var<T> softmax(Var<T> x, int axis = -1);
/// x − log Σ exp(x) along `axis`, stable for logits of any size.
template <class T>
TAPEGRAD_EXPORT Var<T> log_softmax(Var<T> x, int axis = -1);

}  // namespace tapegrad
