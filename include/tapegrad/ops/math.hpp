#pragma once
// Elementwise functions. Outside their domain (log of a negative number,
// sqrt of a negative) they follow IEEE 754 and produce NaN or ±inf, never an
// exception; anomaly mode is the tool that stops at the first such value.

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/ops/arithmetic.hpp"

namespace tapegrad {

template <class T>
TAPEGRAD_EXPORT Var<T> exp(Var<T> x);
/// Natural logarithm.
template <class T>
TAPEGRAD_EXPORT Var<T> log(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> sqrt(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> square(Var<T> x);
/// x raised to a constant exponent.
template <class T>
TAPEGRAD_EXPORT Var<T> pow(Var<T> x, detail::identity_t<T> exponent);
template <class T>
TAPEGRAD_EXPORT Var<T> sin(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> cos(Var<T> x);
/// |x|; the derivative at 0 is taken as 0 (a subgradient), as an L1 penalty needs.
template <class T>
TAPEGRAD_EXPORT Var<T> abs(Var<T> x);

}  // namespace tapegrad
