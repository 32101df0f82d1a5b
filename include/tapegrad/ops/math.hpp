#pragma once
// Elementwise functions. Outside their domain (log of a negative number,
// sqrt of a negative) they follow IEEE 754 and produce NaN or ±inf, never an
// exception; anomaly mode is the tool that stops at the first such value.

#include <optional>

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
/// log(1 + x), accurate for tiny x.
template <class T>
TAPEGRAD_EXPORT Var<T> log1p(Var<T> x);
/// exp(x) − 1, accurate for tiny x.
template <class T>
TAPEGRAD_EXPORT Var<T> expm1(Var<T> x);
/// The error function, 2/√π ∫₀ˣ exp(−t²) dt.
template <class T>
TAPEGRAD_EXPORT Var<T> erf(Var<T> x);
template <class T>
TAPEGRAD_EXPORT Var<T> atan(Var<T> x);

/// The larger (smaller) of a and b elementwise, with numpy broadcasting; a
/// NaN in either gives NaN. Where a = b the gradient is shared equally
/// (g/2 to each), as PyTorch does.
template <class T>
TAPEGRAD_EXPORT Var<T> maximum(Var<T> a, Var<T> b);
template <class T>
TAPEGRAD_EXPORT Var<T> minimum(Var<T> a, Var<T> b);
/// x limited to [lo, hi]; either bound may be left out (not both), and
/// lo > hi is a ValueError. The gradient passes where lo ≤ x ≤ hi (at a bound
/// too, as in PyTorch) and is 0 outside.
template <class T>
TAPEGRAD_EXPORT Var<T> clamp(Var<T> x, std::optional<detail::identity_t<T>> lo,
                             std::optional<detail::identity_t<T>> hi);

}  // namespace tapegrad
