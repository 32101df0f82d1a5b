#pragma once
// Forward-mode derivatives built on Tape::jvp: Jacobian-vector products and
// Jacobians column by column (one forward pass per input element — the
// right choice for few inputs and many outputs, where jacobian() takes one
// reverse sweep per output element).

#include "tapegrad/core/tape.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/derivatives.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

/// ∂y/∂x as a (y.size() × x.size()) matrix, both flattened row-major, the
/// same matrix as jacobian(y, x): column j is the jvp of y along element j
/// of the variable x.
template <class T>
TAPEGRAD_EXPORT Tensor<T> jacfwd(Var<T> y, Var<T> x);

/// (∂²y/∂x²)·v for a one-element y and a leaf x, forward over reverse: the
/// jvp along v of the recorded gradient ∂y/∂x — one reverse recording and
/// one forward pass instead of hvp()'s two reverse sweeps. Every op of the
/// recorded gradient should have a tangent rule: with `options.fallback`
/// (the default) the others take the slow double-VJP path, without it they
/// throw GradientError.
template <class T>
TAPEGRAD_EXPORT Tensor<T> hvp_forward(Var<T> y, Var<T> x, const Tensor<T>& v,
                                      const JvpOptions& options = {});

/// J·v for y = f(x) at x, shaped like y (v has x's shape).
template <class T>
TAPEGRAD_EXPORT Tensor<T> jvp(const TensorFunction<T>& f, const Tensor<T>& x, const Tensor<T>& v);
/// jacfwd for y = f(x) at x.
template <class T>
TAPEGRAD_EXPORT Tensor<T> jacfwd(const TensorFunction<T>& f, const Tensor<T>& x);

}  // namespace tapegrad
