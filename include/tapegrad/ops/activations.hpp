#pragma once
// Activation functions. softmax and log_softmax act on a vector, or on each
// row of a matrix (one row per sample); every output depends on every input
// of its row, so their backprop is the full-Jacobian product
// y ⊙ (g − ⟨g, y⟩), not an elementwise derivative.

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
template <class T>
TAPEGRAD_EXPORT Var<T> softmax(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> log_softmax(Var<T> x);

}  // namespace tapegrad
