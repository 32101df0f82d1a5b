#pragma once
// Higher-order derivatives built on Tape::gradient: Jacobians (one
// vector-Jacobian product per output element), Hessians (the Jacobian of a
// recorded gradient) and Hessian-vector products (two sweeps, no Hessian
// formed).
//
// Each comes twice: on Vars of an existing tape (mixing freely with
// parameters, mini-batches and other nodes; results recorded on that tape),
// and on a function of one tensor, evaluated on a private tape.

#include <functional>

#include "tapegrad/core/tape.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

template <class T>
using TensorFunction = std::function<Var<T>(Var<T>)>;

/// ∂y/∂x as a (y.size() × x.size()) matrix, both flattened row-major: row i
/// is the gradient of y's element i. One numeric sweep per row.
template <class T>
TAPEGRAD_EXPORT Tensor<T> jacobian(Var<T> y, Var<T> x);

/// ∂²y/∂x² of a one-element y as an (x.size() × x.size()) matrix: the
/// Jacobian of the recorded gradient.
template <class T>
TAPEGRAD_EXPORT Tensor<T> hessian(Var<T> y, Var<T> x);

/// (∂²y/∂x²) v for a one-element y, as a Var of x's shape recorded on the
/// tape (so it can be differentiated again). v seeds a vector-Jacobian
/// product of the recorded gradient, so it may itself depend on x: the
/// result is still exactly H·v.
template <class T>
TAPEGRAD_EXPORT Var<T> hvp(Var<T> y, Var<T> x, Var<T> v);

/// The same three for y = f(x) at the point x.
template <class T>
TAPEGRAD_EXPORT Tensor<T> jacobian(const TensorFunction<T>& f, const Tensor<T>& x);
template <class T>
TAPEGRAD_EXPORT Tensor<T> hessian(const TensorFunction<T>& f, const Tensor<T>& x);
template <class T>
TAPEGRAD_EXPORT Tensor<T> hvp(const TensorFunction<T>& f, const Tensor<T>& x, const Tensor<T>& v);

}  // namespace tapegrad
