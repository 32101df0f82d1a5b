// Numerical edge cases with exact expectations: saturating activations,
// softmax family at logits of ±1e4, logarithms and square roots of tiny
// numbers (subnormal in float32), division near zero, powers of zero. Results
// are finite wherever the mathematical value is representable. Every case
// runs on a 3-element tensor (the scalar code path of small tensors) and on a
// 64-element one (the vectorised xtensor path).

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// `values` repeated to `size` elements.
template <class T>
Tensor<T> repeated(const std::vector<T>& values, std::size_t size) {
  Tensor<T> t = Tensor<T>::from_shape({size});
  for (std::size_t i = 0; i < size; ++i)
    t(i) = values[i % values.size()];
  return t;
}

/// f(x) and ∂Σf/∂x, elementwise, at `inputs`, on both code paths.
template <class T>
void expect_unary(const std::function<Var<T>(Var<T>)>& f, const std::vector<T>& inputs,
                  const std::vector<T>& values, const std::vector<T>& grads,
                  const std::string& what) {
  for (std::size_t size : {inputs.size(), std::size_t{64} * inputs.size()}) {
    Tape<T> tape;
    Var<T> x = tape.variable(repeated(inputs, size));
    Var<T> y = f(x);
    tape.backward(sum(y));
    for (std::size_t i = 0; i < size; ++i) {
      const std::size_t k = i % inputs.size();
      const std::string where =
          what + " at " + std::to_string(inputs[k]) + " (size " + std::to_string(size) + ")";
      if (std::isnan(values[k]))
        EXPECT_TRUE(std::isnan(y.value()(i))) << where;
      else
        EXPECT_EQ(y.value()(i), values[k]) << where;
      if (std::isnan(grads[k]))
        EXPECT_TRUE(std::isnan(x.grad()(i))) << where << " gradient";
      else
        EXPECT_EQ(x.grad()(i), grads[k]) << where << " gradient";
    }
  }
}

template <class T>
class NumericalEdges : public ::testing::Test {};
using ValueTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(NumericalEdges, ValueTypes);

TYPED_TEST(NumericalEdges, SigmoidSaturatesWithZeroGradients) {
  using T = TypeParam;
  expect_unary<T>([](Var<T> x) { return sigmoid(x); }, {T(-1e4), T(1e4), T(0)},
                  {T(0), T(1), T(0.5)}, {T(0), T(0), T(0.25)}, "sigmoid");
}

TYPED_TEST(NumericalEdges, TanhSaturatesWithZeroGradients) {
  using T = TypeParam;
  expect_unary<T>([](Var<T> x) { return tanh(x); }, {T(-1e4), T(1e4), T(0)}, {T(-1), T(1), T(0)},
                  {T(0), T(0), T(1)}, "tanh");
}

TYPED_TEST(NumericalEdges, ExpUnderflowsToZeroWithZeroGradient) {
  using T = TypeParam;
  expect_unary<T>([](Var<T> x) { return exp(x); }, {T(-1e4), T(0)}, {T(0), T(1)}, {T(0), T(1)},
                  "exp");
}

TYPED_TEST(NumericalEdges, PowersOfZero) {
  using T = TypeParam;
  const T inf = std::numeric_limits<T>::infinity();
  // d/dx x^p at 0: 0 for p > 1, 1 for p = 1, 0 for p = 0 (x⁰ = 1 everywhere),
  // +inf for 0 < p < 1 (the true one-sided derivative).
  expect_unary<T>([](Var<T> x) { return pow(x, T(2)); }, {T(0)}, {T(0)}, {T(0)}, "pow 2");
  expect_unary<T>([](Var<T> x) { return pow(x, T(3)); }, {T(0)}, {T(0)}, {T(0)}, "pow 3");
  expect_unary<T>([](Var<T> x) { return pow(x, T(1)); }, {T(0)}, {T(0)}, {T(1)}, "pow 1");
  expect_unary<T>([](Var<T> x) { return pow(x, T(0)); }, {T(0)}, {T(1)}, {T(0)}, "pow 0");
  expect_unary<T>([](Var<T> x) { return pow(x, T(0.5)); }, {T(0)}, {T(0)}, {inf}, "pow 0.5");
  expect_unary<T>([](Var<T> x) { return square(x); }, {T(0)}, {T(0)}, {T(0)}, "square");
}

TEST(NumericalEdgesFloat64, LogAndSqrtOfTinyValues) {
  expect_unary<double>([](Var<double> x) { return log(x); }, {1e-300, 1.0}, {std::log(1e-300), 0.0},
                       {1.0 / 1e-300, 1.0}, "log");
  // Subnormal: log(4.9e-324) = −744.44…, its derivative 1/x overflows (2e323 > max).
  for (std::size_t size : {std::size_t{2}, std::size_t{64}}) {
    Tape<double> tape;
    Var<double> x = tape.variable(repeated<double>({4.9e-324, 1e-310}, size));
    Var<double> y = log(x);
    tape.backward(sum(y));
    for (std::size_t i = 0; i < size; ++i) {
      const double expected = std::log(x.value()(i));
      EXPECT_NEAR(y.value()(i), expected, 1e-13 * std::abs(expected)) << "size " << size;
    }
    EXPECT_EQ(x.grad()(0), std::numeric_limits<double>::infinity());
    EXPECT_EQ(x.grad()(1), 1.0 / 1e-310);
  }
  expect_unary<double>([](Var<double> x) { return sqrt(x); }, {1e-300, 4.0}, {1e-150, 2.0},
                       {1.0 / (2.0 * 1e-150), 0.25}, "sqrt");
}

TEST(NumericalEdgesFloat32, LogAndSqrtOfSubnormalValues) {
  const float tiny = 1e-40f;  // subnormal in float32
  ASSERT_EQ(std::fpclassify(tiny), FP_SUBNORMAL);
  // log(1e-40) = −92.1034…; its derivative 1e40 exceeds float's range.
  expect_unary<float>([](Var<float> x) { return log(x); }, {tiny, 1.0f}, {std::log(tiny), 0.0f},
                      {std::numeric_limits<float>::infinity(), 1.0f}, "log");
  const float smallest_normal = std::numeric_limits<float>::min();
  expect_unary<float>([](Var<float> x) { return log(x); }, {smallest_normal},
                      {std::log(smallest_normal)}, {1.0f / smallest_normal}, "log min normal");
  expect_unary<float>([](Var<float> x) { return sqrt(x); }, {tiny}, {std::sqrt(tiny)},
                      {1.0f / (2.0f * std::sqrt(tiny))}, "sqrt subnormal");
}

TYPED_TEST(NumericalEdges, DivisionNearZero) {
  using T = TypeParam;
  const T b_value = std::is_same_v<T, float> ? T(1e-19) : T(1e-150);
  Tape<T> tape;
  Var<T> a = tape.variable(Tensor<T>{T(1), T(-2)});
  Var<T> b = tape.variable(Tensor<T>{b_value, -b_value});
  Var<T> y = a / b;
  tape.backward(sum(y));
  EXPECT_EQ(y.value()(0), T(1) / b_value);
  EXPECT_EQ(y.value()(1), T(2) / b_value);
  EXPECT_EQ(a.grad()(0), T(1) / b_value);
  EXPECT_EQ(a.grad()(1), T(-1) / b_value);
  // ∂(a/b)/∂b = −a/b², computed as −y/b: finite and exact here.
  EXPECT_EQ(b.grad()(0), -(T(1) / b_value) / b_value);
  EXPECT_EQ(b.grad()(1), -(T(2) / b_value) / -b_value);
  EXPECT_TRUE(std::isfinite(b.grad()(0)));
}

TYPED_TEST(NumericalEdges, SoftmaxOfHugeLogits) {
  using T = TypeParam;
  Tape<T> tape;
  Var<T> x = tape.variable(Tensor<T>{{T(1e4), T(0), T(-1e4)}, {T(1e4), T(1e4), T(-1e4)}});
  Var<T> y = softmax(x);
  const Tensor<T> expected = {{T(1), T(0), T(0)}, {T(0.5), T(0.5), T(0)}};
  EXPECT_EQ(y.value(), expected);
  // y ⊙ (g − ⟨g, y⟩) with g = (1, 2, 3) per row.
  tape.backward(y, Tensor<T>{{T(1), T(2), T(3)}, {T(1), T(3), T(5)}});
  const Tensor<T> grad = {{T(0), T(0), T(0)}, {T(-0.5), T(0.5), T(0)}};
  EXPECT_EQ(x.grad(), grad);
}

TYPED_TEST(NumericalEdges, LogSoftmaxOfHugeLogits) {
  using T = TypeParam;
  Tape<T> tape;
  Var<T> x = tape.variable(Tensor<T>{{T(1e4), T(0), T(-1e4)}, {T(-1e4), T(-1e4), T(-1e4)}});
  Var<T> y = log_softmax(x);
  EXPECT_EQ(y.value()(0, 0), T(0));
  EXPECT_EQ(y.value()(0, 1), T(-1e4));
  EXPECT_EQ(y.value()(0, 2), T(-2e4));
  for (std::size_t j = 0; j < 3; ++j)
    EXPECT_NEAR(y.value()(1, j), -std::log(3.0), 1e-6);
  // g − softmax · Σg with g = 1: (1 − 3p).
  tape.backward(sum(y));
  const Tensor<T>& g = x.grad();
  EXPECT_EQ(g(0, 0), T(-2));
  EXPECT_EQ(g(0, 1), T(1));
  EXPECT_EQ(g(0, 2), T(1));
  for (std::size_t j = 0; j < 3; ++j)
    EXPECT_NEAR(g(1, j), 0.0, 1e-6);
}

TYPED_TEST(NumericalEdges, CrossEntropyOfHugeLogits) {
  using T = TypeParam;
  Tape<T> tape;
  Var<T> x = tape.variable(Tensor<T>{{T(1e4), T(0), T(-1e4)}, {T(-1e4), T(1e4), T(0)}});
  // Row 0 predicts class 0 with certainty but is labelled 2: loss 2e4;
  // row 1 is labelled with its certain class: loss 0.
  Var<T> loss = cross_entropy(x, tape.constant(Tensor<T>{T(2), T(1)}), Reduction::sum);
  EXPECT_EQ(loss.item(), T(2e4));
  tape.backward(loss);
  const Tensor<T> grad = {{T(1), T(0), T(-1)}, {T(0), T(0), T(0)}};
  EXPECT_EQ(x.grad(), grad);
}

TYPED_TEST(NumericalEdges, CrossEntropyOfEqualHugeLogitsIsLogOfTheClassCount) {
  using T = TypeParam;
  Tape<T> tape;
  Var<T> x = tape.variable(Tensor<T>{{T(-1e4), T(-1e4), T(-1e4)}, {T(1e4), T(1e4), T(1e4)}});
  Var<T> loss = cross_entropy(x, tape.constant(Tensor<T>{T(0), T(2)}), Reduction::sum);
  EXPECT_NEAR(loss.item(), 2 * std::log(3.0), 1e-6);
  tape.backward(loss);
  EXPECT_NEAR(x.grad()(0, 0), 1.0 / 3 - 1, 1e-6);
  EXPECT_NEAR(x.grad()(1, 1), 1.0 / 3, 1e-6);
}

TYPED_TEST(NumericalEdges, BinaryCrossEntropyOfHugeLogits) {
  using T = TypeParam;
  Tape<T> tape;
  Var<T> x = tape.variable(Tensor<T>{T(1e4), T(-1e4), T(1e4)});
  Var<T> t = tape.constant(Tensor<T>{T(1), T(0), T(0)});
  Var<T> loss = binary_cross_entropy(x, t, Reduction::sum);
  EXPECT_EQ(loss.item(), T(1e4));  // only the confidently wrong third element
  tape.backward(loss);
  const Tensor<T> grad = {T(0), T(0), T(1)};  // sigmoid(x) − t
  EXPECT_EQ(x.grad(), grad);
}

}  // namespace
}  // namespace tapegrad
