// softmax and log_softmax along any axis: every axis of a rank-3 tensor
// against a hand loop over its rows, values and vector-Jacobian products; the
// last axis of a matrix bit for bit as the row kernels have always computed
// it; gradchecks; by name with the axis attribute.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using V = Var<double>;

/// The rows of `shape` along `axis`: f(offset of the first element, stride).
template <class F>
void for_each_row(const Shape& shape, std::size_t axis, const F& f) {
  std::size_t outer = 1, inner = 1;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (k < axis)
      outer *= shape[k];
    if (k > axis)
      inner *= shape[k];
  }
  for (std::size_t o = 0; o < outer; ++o) {
    for (std::size_t i = 0; i < inner; ++i)
      f(o * shape[axis] * inner + i, inner);
  }
}

/// softmax (or log_softmax) along `axis`, by hand: max, exp, sum, per row.
Tensor<double> reference(const Tensor<double>& x, std::size_t axis, bool log) {
  Tensor<double> y = Tensor<double>::from_shape(x.shape());
  const std::size_t n = x.shape()[axis];
  for_each_row(x.shape(), axis, [&](std::size_t offset, std::size_t stride) {
    const auto at = [&](std::size_t j) { return offset + j * stride; };
    double max = x.data()[at(0)];
    for (std::size_t j = 1; j < n; ++j)
      max = std::max(max, x.data()[at(j)]);
    double total = 0;
    for (std::size_t j = 0; j < n; ++j)
      total += std::exp(x.data()[at(j)] - max);
    for (std::size_t j = 0; j < n; ++j) {
      const double shifted = x.data()[at(j)] - max;
      y.data()[at(j)] = log ? shifted - std::log(total) : std::exp(shifted) / total;
    }
  });
  return y;
}

/// The vector-Jacobian product by hand: y ⊙ (g − ⟨g, y⟩) for softmax,
/// g − exp(y) Σ g for log_softmax, per row along `axis`.
Tensor<double> reference_vjp(const Tensor<double>& y, const Tensor<double>& g, std::size_t axis,
                             bool log) {
  Tensor<double> dx = Tensor<double>::from_shape(y.shape());
  const std::size_t n = y.shape()[axis];
  for_each_row(y.shape(), axis, [&](std::size_t offset, std::size_t stride) {
    const auto at = [&](std::size_t j) { return offset + j * stride; };
    double inner = 0;
    for (std::size_t j = 0; j < n; ++j)
      inner += log ? g.data()[at(j)] : g.data()[at(j)] * y.data()[at(j)];
    for (std::size_t j = 0; j < n; ++j) {
      const double yj = y.data()[at(j)], gj = g.data()[at(j)];
      dx.data()[at(j)] = log ? gj - std::exp(yj) * inner : yj * (gj - inner);
    }
  });
  return dx;
}

TEST(SoftmaxAxis, EveryAxisOfARank3TensorAgainstAHandLoop) {
  const Tensor<double> x = random_tensor({3, 4, 5}, 1, -3.0, 3.0);
  const Tensor<double> g = random_tensor({3, 4, 5}, 2);
  for (const bool log : {false, true}) {
    for (const int axis : {0, 1, 2, -1, -2, -3}) {
      const std::size_t positive = static_cast<std::size_t>(axis < 0 ? axis + 3 : axis);
      const std::string what =
          std::string(log ? "log_softmax" : "softmax") + " axis " + std::to_string(axis);
      Tape<double> tape;
      const V xv = tape.variable(x);
      const V y = log ? log_softmax(xv, axis) : softmax(xv, axis);
      EXPECT_EQ(tape.node(y.id()).op->attributes(),
                (Attributes{{"axis", static_cast<double>(axis)}}));
      testing::expect_tensor_near(y.value(), reference(x, positive, log), 1e-15, what);
      tape.backward(y, g);
      testing::expect_tensor_near(xv.grad(), reference_vjp(y.value(), g, positive, log), 1e-15,
                                  what + " vjp");
      TG_EXPECT_GRADCHECK(
          testing::check_unary(
              [log, axis](V v) { return log ? log_softmax(v, axis) : softmax(v, axis); }, x),
          what);
    }
  }
  // Each row along axis 1 sums to 1.
  Tape<double> tape;
  const V y = softmax(tape.constant(x), 1);
  const V sums = sum(y, 1);
  for (const double s : sums.value())
    EXPECT_NEAR(s, 1.0, 1e-15);
}

TEST(SoftmaxAxis, LastAxisOfAMatrixIsTheRowKernel) {
  // The row kernels as they have always been written (max_element, exp of
  // the shifted value summed as it is stored, one division or log per row):
  // the last axis must give exactly these values.
  const Tensor<double> x = random_tensor({7, 33}, 3, -4.0, 4.0);
  const Tensor<double> g = random_tensor({7, 33}, 4);
  for (const bool log : {false, true}) {
    Tape<double> tape;
    const V xv = tape.variable(x);
    const V y = log ? log_softmax(xv) : softmax(xv);
    tape.backward(y, g);
    for (std::size_t r = 0; r < 7; ++r) {
      const double* row = x.data() + r * 33;
      const double max = *std::max_element(row, row + 33);
      double total = 0;
      std::vector<double> expected(33);
      for (std::size_t j = 0; j < 33; ++j)
        total += log ? std::exp(row[j] - max) : (expected[j] = std::exp(row[j] - max));
      const double log_total = std::log(total);
      for (std::size_t j = 0; j < 33; ++j) {
        if (log)
          expected[j] = (row[j] - max) - log_total;
        else
          expected[j] /= total;
        EXPECT_EQ(y.value()(r, j), expected[j]) << (log ? "log_softmax" : "softmax") << r << j;
      }
      double inner = 0;
      for (std::size_t j = 0; j < 33; ++j)
        inner += log ? g(r, j) : g(r, j) * expected[j];
      for (std::size_t j = 0; j < 33; ++j) {
        const double dx =
            log ? g(r, j) - std::exp(expected[j]) * inner : expected[j] * (g(r, j) - inner);
        // (to rounding: the compiler may fuse this test's multiply-adds
        // differently from the library's)
        EXPECT_NEAR(xv.grad()(r, j), dx, 1e-15)
            << (log ? "log_softmax" : "softmax") << " ∂x " << r << j;
      }
    }
  }
}

TEST(SoftmaxAxis, AxisZeroOfAMatrixIsTheLastAxisOfItsTranspose) {
  const Tensor<double> x = random_tensor({4, 6}, 5, -2.0, 2.0);
  Tape<double> tape;
  const V xv = tape.constant(x);
  const V along_columns = softmax(xv, 0);
  const V via_transpose = transpose(softmax(transpose(xv)));
  for (std::size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(along_columns.value().data()[i], via_transpose.value().data()[i]) << i;
}

TEST(SoftmaxAxis, ByNameWithTheAxisAttribute) {
  const Tensor<double> x = random_tensor({2, 3, 2}, 6);
  for (const std::string name : {"softmax", "log_softmax"}) {
    Tape<double> tape;
    const V xv = tape.constant(x);
    const V by_name = tape.apply(name, {xv}, {{"axis", 1}});
    const V typed = name == "softmax" ? softmax(xv, 1) : log_softmax(xv, 1);
    for (std::size_t i = 0; i < x.size(); ++i)
      EXPECT_EQ(by_name.value().data()[i], typed.value().data()[i]) << name << " " << i;
    const V default_axis = tape.apply(name, {xv});
    EXPECT_EQ(tape.node(default_axis.id()).op->attributes(), (Attributes{{"axis", -1.0}}));
    TG_EXPECT_GRADCHECK(gradcheck(name, {x}, {{"axis", 0}}), name << " axis 0 by name");
    TG_EXPECT_GRADCHECK(gradgradcheck(name, {x}, {{"axis", 1}}), name << " axis 1 by name");
  }
}

TEST(SoftmaxAxis, EmptyAxesAndLargeLogits) {
  Tape<double> tape;
  EXPECT_EQ(softmax(tape.variable(Tensor<double>::from_shape({2, 0, 3})), 1).shape(),
            (Shape{2, 0, 3}));
  const V x = tape.variable(Tensor<double>{{1000.0, -1000.0}, {-1000.0, 1000.0}});
  const V y = softmax(x, 0);
  testing::expect_tensor_near(y.value(), Tensor<double>{{1.0, 0.0}, {0.0, 1.0}}, 1e-15, "±1000");
  const V ly = log_softmax(x, 0);
  EXPECT_NEAR(ly.value()(1, 0), -2000.0, 1e-9);
}

}  // namespace
}  // namespace tapegrad
