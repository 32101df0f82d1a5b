#pragma once
// Results in float64 or float32 held to an expected float64 array (PyTorch's
// reference in tests/nn/reference, or tapegrad's own float64), each type to
// its own tolerance.

#include <gtest/gtest.h>

#include <string>

#include <xtensor/xmath.hpp>

#include "nn/layer_gradcheck.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad::testing {

/// ‖ours − expected‖∞ / ‖expected‖∞ at most `relative`. Below `noise` an
/// expected array counts as zero (the key bias's gradient, exactly 0 in
/// theory: softmax ignores a shift of a row's scores), held to an absolute
/// bound instead.
template <class T>
struct Agreement;

template <>
struct Agreement<double> {
  static constexpr double relative = 1e-12;
  static constexpr double noise = 1e-12;
};

// float32 rounds each operation to 2⁻²⁴ ≈ 6e-8; over these layers' few dozen
// operations the differences measured 5e-8 to 1.1e-6, so this is ten times
// the worst.
template <>
struct Agreement<float> {
  static constexpr double relative = 1e-5;
  static constexpr double noise = 1e-5;
};

/// A float64 array in T (rounded for float32).
template <class T>
Tensor<T> rounded_to(const Tensor<double>& t) {
  return xt::cast<T>(t);
}

template <class T>
void expect_agrees(const Tensor<T>& actual, const Tensor<double>& expected,
                   const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  if (xt::amax(xt::abs(expected))() < Agreement<T>::noise) {
    EXPECT_LT(xt::amax(xt::abs(actual))(), Agreement<T>::noise) << what;
    return;
  }
  const Tensor<double> widened = xt::cast<double>(actual);
  EXPECT_LE(max_relative_difference(widened, expected), Agreement<T>::relative) << what;
}

}  // namespace tapegrad::testing
