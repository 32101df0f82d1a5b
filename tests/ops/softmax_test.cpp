#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

/// softmax of one row, by hand.
std::vector<double> softmax_row(const double* x, std::size_t n) {
  double max = x[0];
  for (std::size_t j = 1; j < n; ++j)
    max = std::max(max, x[j]);
  std::vector<double> y(n);
  double total = 0;
  for (std::size_t j = 0; j < n; ++j)
    total += y[j] = std::exp(x[j] - max);
  for (double& v : y)
    v /= total;
  return y;
}

/// The explicit Jacobian J = diag(y) − y yᵀ of softmax at output y.
Tensor<double> jacobian(const std::vector<double>& y) {
  const std::size_t n = y.size();
  // From a std::array: GCC 12 wrongly warns (-Wmaybe-uninitialized) on a Shape here.
  Tensor<double> j = xt::zeros<double>(std::array<std::size_t, 2>{n, n});
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < n; ++c)
      j(r, c) = (r == c ? y[r] : 0.0) - y[r] * y[c];
  }
  return j;
}

/// Jᵀ g for one row.
std::vector<double> jacobian_transpose_times(const Tensor<double>& j, const double* g) {
  const std::size_t n = j.shape()[0];
  std::vector<double> out(n, 0.0);
  for (std::size_t c = 0; c < n; ++c) {
    for (std::size_t r = 0; r < n; ++r)
      out[c] += j(r, c) * g[r];
  }
  return out;
}

TEST(SoftmaxOp, Gradcheck) {
  std::uint64_t seed = 1;
  for (const Shape& shape :
       {Shape{1}, Shape{5}, Shape{1, 1}, Shape{1, 6}, Shape{4, 1}, Shape{3, 4}, Shape{5, 2}}) {
    const Tensor<double> x = random_tensor(shape, seed++, -2.0, 2.0);
    TG_EXPECT_GRADCHECK(testing::check_unary([](Var<double> v) { return softmax(v); }, x),
                        "softmax " << testing::str(shape));
  }
  TG_EXPECT_GRADCHECK(gradcheck("softmax", {random_tensor({3, 5}, 77, -2.0, 2.0)}),
                      "softmax by name");
}

// The requirement: the engine's vector-Jacobian product equals Jᵀ g
// with the explicit J = diag(y) − y yᵀ, for a vector and for each matrix row.
TEST(SoftmaxOp, JacobianVectorProductMatchesExplicitJacobianRank1) {
  for (const std::size_t n : {1u, 2u, 5u, 9u}) {
    for (std::uint64_t trial = 0; trial < 3; ++trial) {
      const Tensor<double> xv = random_tensor({n}, 10 * n + trial, -3.0, 3.0);
      const Tensor<double> g = random_tensor({n}, 500 + 10 * n + trial, -2.0, 2.0);
      Tape<double> tape;
      const Var<double> x = tape.variable(xv);
      const Var<double> y = softmax(x);
      tape.backward(y, g);

      const std::vector<double> yv = softmax_row(xv.data(), n);
      const Tensor<double> j = jacobian(yv);
      const std::vector<double> expected = jacobian_transpose_times(j, g.data());
      for (std::size_t c = 0; c < n; ++c) {
        EXPECT_NEAR(y.value()(c), yv[c], 1e-15);
        EXPECT_NEAR(x.grad()(c), expected[c], 1e-15) << "n = " << n << ", element " << c;
      }
    }
  }
}

TEST(SoftmaxOp, JacobianVectorProductMatchesExplicitJacobianPerRow) {
  for (const Shape& shape : {Shape{1, 1}, Shape{1, 4}, Shape{4, 1}, Shape{3, 5}, Shape{6, 2}}) {
    const std::size_t rows = shape[0], cols = shape[1];
    const Tensor<double> xv = random_tensor(shape, 40 + rows * cols, -3.0, 3.0);
    const Tensor<double> g = random_tensor(shape, 90 + rows * cols, -2.0, 2.0);
    Tape<double> tape;
    const Var<double> x = tape.variable(xv);
    const Var<double> y = softmax(x);
    tape.backward(y, g);
    for (std::size_t r = 0; r < rows; ++r) {
      const std::vector<double> yv = softmax_row(xv.data() + r * cols, cols);
      const std::vector<double> expected =
          jacobian_transpose_times(jacobian(yv), g.data() + r * cols);
      for (std::size_t c = 0; c < cols; ++c) {
        EXPECT_NEAR(x.grad()(r, c), expected[c], 1e-15)
            << testing::str(shape) << " row " << r << " col " << c;
      }
    }
  }
}

// Every row of the Jacobian, seeding with each unit vector in turn.
TEST(SoftmaxOp, UnitSeedsRecoverTheWholeJacobian) {
  const std::size_t n = 4;
  const Tensor<double> xv = random_tensor({n}, 3, -2.0, 2.0);
  Tape<double> tape;
  const Var<double> x = tape.variable(xv);
  const Var<double> y = softmax(x);
  const Tensor<double> j = jacobian(softmax_row(xv.data(), n));
  for (std::size_t r = 0; r < n; ++r) {
    Tensor<double> e = xt::zeros<double>({n});
    e(r) = 1.0;
    tape.backward(y, e);
    for (std::size_t c = 0; c < n; ++c)
      EXPECT_NEAR(x.grad()(c), j(r, c), 1e-15);
  }
  // Each Jacobian row sums to 0: a constant seed gives a zero gradient.
  tape.backward(sum(y));
  testing::expect_tensor_near(x.grad(), xt::zeros<double>({n}), 1e-16, "d Σ softmax");
}

TEST(SoftmaxOp, ForwardClosedForms) {
  Tape<double> tape;
  const Tensor<double> known = softmax(tape.constant(Tensor<double>{0.0, std::log(2.0)})).value();
  EXPECT_DOUBLE_EQ(known(0), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(known(1), 2.0 / 3.0);
  EXPECT_EQ(softmax(tape.constant(Tensor<double>{7.0})).value(), (Tensor<double>{1.0}));
  const Tensor<double> uniform =
      softmax(tape.constant(Tensor<double>{{2.0, 2.0, 2.0, 2.0}})).value();
  EXPECT_EQ(uniform, (Tensor<double>{{0.25, 0.25, 0.25, 0.25}}));

  const Tensor<double> xv = random_tensor({4, 6}, 8, -5.0, 5.0);
  const Tensor<double> y = softmax(tape.constant(xv)).value();
  const Tensor<double> shifted = softmax(shift(tape.constant(xv), 123.0)).value();
  ASSERT_EQ(y.shape(), xv.shape());
  for (std::size_t r = 0; r < 4; ++r) {
    double total = 0;
    for (std::size_t c = 0; c < 6; ++c) {
      EXPECT_GT(y(r, c), 0.0);
      total += y(r, c);
      // x + 123 rounds x to the ulp of 128 (1.4e-14)
      EXPECT_NEAR(shifted(r, c), y(r, c), 1e-13) << "softmax(x + c) = softmax(x)";
    }
    EXPECT_NEAR(total, 1.0, 1e-15) << "row " << r;
  }
}

TEST(SoftmaxOp, LargeLogitsStayFinite) {
  Tape<double> tape;
  const Var<double> x =
      tape.variable(Tensor<double>{{1000.0, -1000.0, 0.0}, {1000.0, 1000.0, -5.0}});
  const Var<double> y = softmax(x);
  const Tensor<double> expected{{1.0, 0.0, 0.0}, {0.5, 0.5, 0.0}};
  testing::expect_tensor_near(y.value(), expected, 1e-15, "softmax of ±1000");
  tape.backward(y, Tensor<double>{{1.0, 2.0, 3.0}, {1.0, -1.0, 0.0}});
  for (double v : x.grad())
    EXPECT_TRUE(std::isfinite(v));
  EXPECT_NEAR(x.grad()(1, 0), 0.5, 1e-15);  // y ⊙ (g − ⟨g, y⟩) = 0.5 · (1 − 0)
  EXPECT_NEAR(x.grad()(1, 1), -0.5, 1e-15);
}

TEST(SoftmaxOp, RejectsScalarsAndAxesOutOfRange) {
  Tape<double> tape;
  const Var<double> scalar = tape.variable(random_tensor({}, 2));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)softmax(scalar); }, "softmax",
                                       {"()", "at least one axis"});
  const Var<double> cube = tape.variable(random_tensor({2, 2, 2}, 1));
  testing::expect_op_error<ValueError>(tape, [&] { (void)softmax(cube, 3); }, "softmax",
                                       {"axis 3", "(2, 2, 2)"});
  testing::expect_op_error<ValueError>(tape, [&] { (void)softmax(cube, -4); }, "softmax",
                                       {"axis -4", "(2, 2, 2)"});
}

}  // namespace
}  // namespace tapegrad
