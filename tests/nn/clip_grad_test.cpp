#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nn/gradient_support.hpp"
#include "support/expect_error.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::expect_error;
using testing::set_gradient;

TEST(ClipGradNorm, ScalesAllGradientsByOneFactorWhenTheTotalNormIsLarger) {
  Parameter<double> a(Tensor<double>{0.0, 0.0}), b(Tensor<double>{{0.0, 0.0}}),
      idle(Tensor<double>{1.0});
  set_gradient(a, Tensor<double>{3.0, 0.0});
  set_gradient(b, Tensor<double>{{4.0, 0.0}});
  const double norm = nn::clip_grad_norm<double>({&a, &b, &idle}, 2.0);
  EXPECT_DOUBLE_EQ(norm, 5.0);  // √(9 + 16); the parameter without a gradient adds 0
  const double scale = 2.0 / (5.0 + 1e-6);
  EXPECT_DOUBLE_EQ(a.grad()(0), 3.0 * scale);
  EXPECT_DOUBLE_EQ(a.grad()(1), 0.0);
  EXPECT_DOUBLE_EQ(b.grad()(0, 0), 4.0 * scale);
  EXPECT_TRUE(idle.grad_is_zero());
}

TEST(ClipGradNorm, LeavesSmallerNormsAlone) {
  Parameter<float> a(Tensor<float>{0.0f, 0.0f});
  set_gradient(a, Tensor<float>{0.6f, -0.8f});
  EXPECT_FLOAT_EQ(nn::clip_grad_norm<float>({&a}, 1.5f), 1.0f);
  EXPECT_EQ(a.grad()(0), 0.6f);
  EXPECT_EQ(a.grad()(1), -0.8f);
}

TEST(ClipGradNorm, NonFiniteNormIsReturnedAndNothingScaled) {
  Parameter<double> a(Tensor<double>{0.0, 0.0});
  set_gradient(a, Tensor<double>{std::numeric_limits<double>::infinity(), 1.0});
  EXPECT_TRUE(std::isinf(nn::clip_grad_norm<double>({&a}, 1.0)));
  EXPECT_EQ(a.grad()(1), 1.0);
}

TEST(ClipGradValue, ClampsEachElement) {
  Parameter<double> a(Tensor<double>{0.0, 0.0, 0.0});
  set_gradient(a, Tensor<double>{-3.0, 0.25, 7.0});
  nn::clip_grad_value<double>({&a}, 0.5);
  EXPECT_EQ(a.grad()(0), -0.5);
  EXPECT_EQ(a.grad()(1), 0.25);
  EXPECT_EQ(a.grad()(2), 0.5);
}

TEST(ClipGrad, BadArgumentsAreValueErrors) {
  Parameter<double> a(Tensor<double>{0.0});
  expect_error<ValueError>([&] { (void)nn::clip_grad_norm<double>({&a}, 0.0); },
                           "clip_grad_norm: max_norm must be a positive finite number, got 0");
  expect_error<ValueError>([&] { nn::clip_grad_value<double>({&a}, -1.0); },
                           "clip_grad_value: clip must be a positive finite number, got -1");
  expect_error<ValueError>(
      [&] {
        (void)nn::clip_grad_norm<double>({&a, nullptr}, 1.0);
      },
      "clip_grad_norm: parameter 1 is null");
}

}  // namespace
}  // namespace tapegrad
