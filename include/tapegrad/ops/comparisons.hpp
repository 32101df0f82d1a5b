#pragma once
// Comparisons give constant 0/1 masks (with numpy broadcasting): their
// outputs need no gradient and pass none back, like tape.constant(), so a
// mask can select (where) or weight (mul) without joining the sweep.

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

/// 1 where a > b, else 0 (NaN compares false, so gives 0).
template <class T>
TAPEGRAD_EXPORT Var<T> greater(Var<T> a, Var<T> b);
/// 1 where a ≥ b, else 0.
template <class T>
TAPEGRAD_EXPORT Var<T> greater_equal(Var<T> a, Var<T> b);
/// 1 where a < b, else 0.
template <class T>
TAPEGRAD_EXPORT Var<T> less(Var<T> a, Var<T> b);
/// 1 where a ≤ b, else 0.
template <class T>
TAPEGRAD_EXPORT Var<T> less_equal(Var<T> a, Var<T> b);
/// 1 where a = b, else 0.
template <class T>
TAPEGRAD_EXPORT Var<T> equal(Var<T> a, Var<T> b);

/// a where mask is 1, b where it is 0, broadcasting all three. The mask must
/// hold only 0 and 1 (a comparison's output; anything else is a ValueError)
/// and gets no gradient; a and b get g where they were chosen.
template <class T>
TAPEGRAD_EXPORT Var<T> where(Var<T> mask, Var<T> a, Var<T> b);

}  // namespace tapegrad
