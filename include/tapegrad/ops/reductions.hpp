#pragma once
// Reductions over all elements (a scalar) or along one axis (negative axes
// count from the end; keepdims leaves a size-1 axis in its place).

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

template <class T>
TAPEGRAD_EXPORT Var<T> sum(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> sum(Var<T> x, int axis, bool keepdims = false);
/// The mean of all elements; the mean of an empty tensor is an error.
template <class T>
TAPEGRAD_EXPORT Var<T> mean(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> mean(Var<T> x, int axis, bool keepdims = false);

/// The largest (smallest) element, of all or along an axis; NaN if the
/// elements hold one. The gradient goes to the elements equal to the result,
/// shared equally between ties (as PyTorch's amax). No elements is an error.
template <class T>
TAPEGRAD_EXPORT Var<T> max(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> max(Var<T> x, int axis, bool keepdims = false);
template <class T>
TAPEGRAD_EXPORT Var<T> min(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> min(Var<T> x, int axis, bool keepdims = false);

/// The position of the largest (smallest) element: of all (a flat,
/// row-major index) or along an axis. A constant of whole numbers (no
/// gradient); ties give the first position and a NaN counts as the extreme,
/// as in numpy. No elements is an error, as is an index T cannot hold exactly.
template <class T>
TAPEGRAD_EXPORT Var<T> argmax(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> argmax(Var<T> x, int axis, bool keepdims = false);
template <class T>
TAPEGRAD_EXPORT Var<T> argmin(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> argmin(Var<T> x, int axis, bool keepdims = false);

/// log Σ exp(x), of all elements or along an axis, computed as
/// m + log Σ exp(x − m) with m the largest element: stable for any finite
/// x. Of no elements: −inf.
template <class T>
TAPEGRAD_EXPORT Var<T> logsumexp(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> logsumexp(Var<T> x, int axis, bool keepdims = false);

/// What var and std divide by: n (the population variance) or n − 1 (the
/// sample variance, Bessel's correction; PyTorch's default). By name, the
/// attribute "correction" is 0 or 1.
enum class Correction { population = 0, sample = 1 };

/// Σ (x − mean)² / (n − correction), of all elements or along an axis.
/// n ≤ correction (no elements, or one with Correction::sample) is an error.
template <class T>
TAPEGRAD_EXPORT Var<T> var(Var<T> x, Correction correction = Correction::sample);
template <class T>
TAPEGRAD_EXPORT Var<T> var(Var<T> x, int axis, bool keepdims = false,
                           Correction correction = Correction::sample);
/// √var. Where every element is equal the value is 0 and the gradient
/// divides by it (inf or NaN, as in PyTorch).
template <class T>
TAPEGRAD_EXPORT Var<T> std(Var<T> x, Correction correction = Correction::sample);
template <class T>
TAPEGRAD_EXPORT Var<T> std(Var<T> x, int axis, bool keepdims = false,
                           Correction correction = Correction::sample);

/// The L2 norm √Σx², of all elements or along an axis, scaled so that it
/// neither overflows nor underflows. Its gradient x/‖x‖ is taken as 0 where
/// ‖x‖ = 0 (a subgradient, as PyTorch), and so are its higher derivatives
/// there. Of no elements: 0.
template <class T>
TAPEGRAD_EXPORT Var<T> norm(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> norm(Var<T> x, int axis, bool keepdims = false);

}  // namespace tapegrad
