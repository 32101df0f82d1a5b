#pragma once
// Elementwise arithmetic with numpy broadcasting (a scalar with anything, a
// bias row with a batch matrix); gradients are summed back to each input's
// shape. Operators are spelled as the free functions they call.

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad {

namespace detail {
// Keeps a scalar argument out of template deduction, so x * 2.0 works for
// Var<float> (std::type_identity_t is C++20; public headers stay C++17).
template <class T>
struct identity {
  using type = T;
};
template <class T>
using identity_t = typename identity<T>::type;
}  // namespace detail

template <class T>
TAPEGRAD_EXPORT Var<T> add(Var<T> a, Var<T> b);
template <class T>
TAPEGRAD_EXPORT Var<T> sub(Var<T> a, Var<T> b);
template <class T>
TAPEGRAD_EXPORT Var<T> mul(Var<T> a, Var<T> b);
/// a / b; division by zero follows IEEE 754 (±inf or NaN), as documented.
template <class T>
TAPEGRAD_EXPORT Var<T> div(Var<T> a, Var<T> b);
template <class T>
TAPEGRAD_EXPORT Var<T> neg(Var<T> x);
/// factor · x (op "scale").
template <class T>
TAPEGRAD_EXPORT Var<T> scale(Var<T> x, detail::identity_t<T> factor);
/// x + offset (op "shift").
template <class T>
TAPEGRAD_EXPORT Var<T> shift(Var<T> x, detail::identity_t<T> offset);
/// A rank-0 constant on x's tape (for mixing plain numbers into a graph).
template <class T>
TAPEGRAD_EXPORT Var<T> scalar_like(Var<T> x, detail::identity_t<T> value);

template <class T>
Var<T> operator+(Var<T> a, Var<T> b) {
  return add(a, b);
}
template <class T>
Var<T> operator-(Var<T> a, Var<T> b) {
  return sub(a, b);
}
template <class T>
Var<T> operator*(Var<T> a, Var<T> b) {
  return mul(a, b);
}
template <class T>
Var<T> operator/(Var<T> a, Var<T> b) {
  return div(a, b);
}
template <class T>
Var<T> operator-(Var<T> x) {
  return neg(x);
}

template <class T>
Var<T> operator+(Var<T> x, detail::identity_t<T> c) {
  return shift(x, c);
}
template <class T>
Var<T> operator+(detail::identity_t<T> c, Var<T> x) {
  return shift(x, c);
}
template <class T>
Var<T> operator-(Var<T> x, detail::identity_t<T> c) {
  return shift(x, -c);
}
template <class T>
Var<T> operator-(detail::identity_t<T> c, Var<T> x) {
  return shift(neg(x), c);
}
template <class T>
Var<T> operator*(Var<T> x, detail::identity_t<T> c) {
  return scale(x, c);
}
template <class T>
Var<T> operator*(detail::identity_t<T> c, Var<T> x) {
  return scale(x, c);
}
// Division by a number stays a true division, so x / 3 rounds like x / 3.
template <class T>
Var<T> operator/(Var<T> x, detail::identity_t<T> c) {
  return div(x, scalar_like(x, c));
}
template <class T>
Var<T> operator/(detail::identity_t<T> c, Var<T> x) {
  return div(scalar_like(x, c), x);
}

}  // namespace tapegrad
