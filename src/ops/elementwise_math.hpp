#pragma once
// The functions elementwise kernels are written with, usable on a number, an
// xsimd batch and a Var: the overload set of std::, xsimd:: and tapegrad::
// (overload resolution picks the one for the argument). A kernel calls
// math::exp(x) once and that one formula serves the scalar path of small
// tensors, the vector loop of large ones and — given Vars — the recorded,
// differentiable backprop.

#include <cmath>

#include <xsimd/xsimd.hpp>

#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/math.hpp"

namespace tapegrad::ops::math {

using std::abs;
using std::atan;
using std::cos;
using std::erf;
using std::erfc;
using std::exp;
using std::expm1;
using std::log;
using std::log1p;
using std::sin;
using std::sqrt;
using std::tanh;
using tapegrad::atan;
using tapegrad::cos;
using tapegrad::erf;
using tapegrad::exp;
using tapegrad::expm1;
using tapegrad::log;
using tapegrad::log1p;
using tapegrad::sin;
using tapegrad::sqrt;
using tapegrad::tanh;
using xsimd::abs;
using xsimd::atan;
using xsimd::cos;
using xsimd::erf;
using xsimd::erfc;
using xsimd::exp;
using xsimd::expm1;
using xsimd::log;
using xsimd::log1p;
using xsimd::sin;
using xsimd::sqrt;
using xsimd::tanh;

/// sin(x) and cos(x) of one number in one call (both share the range
/// reduction; the results are those of sin and cos).
// (glibc's, a GNU extension: g++ and clang++ define _GNU_SOURCE.)
inline void sincos(double x, double& s, double& c) { ::sincos(x, &s, &c); }
inline void sincos(float x, float& s, float& c) { ::sincosf(x, &s, &c); }

/// `condition ? a : b` for one element; xsimd::select does it lane by lane.
template <class T>
T select(bool condition, const T& a, const T& b) {
  return condition ? a : b;
}
using xsimd::select;

}  // namespace tapegrad::ops::math
