#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ops/op_test_support.hpp"
#include "ops/reduction_reference.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

double norm_of(const std::vector<double>& v) {
  double squares = 0;
  for (const double x : v)
    squares += x * x;
  return std::sqrt(squares);
}

TEST(NormOp, GradcheckValuesAndGradientsOverEveryAxis) {
  testing::check_reduction_op(
      "norm", norm_of,
      [](const std::vector<double>& v) {
        std::vector<double> d;
        for (const double x : v)
          d.push_back(x / norm_of(v));
        return d;
      },
      -1, 1, {}, 1, 1e-15);
}

TEST(NormOp, KnownValuesWithoutOverflowOrUnderflow) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{3.0, 4.0}, {1e200, 1e200}, {1e-200, 0.0}});
  const Var<double> rows = norm(x, 1);
  EXPECT_EQ(rows.value()(0), 5.0);
  EXPECT_DOUBLE_EQ(rows.value()(1), 1.414213562373095e+200);  // Σx² alone would be inf
  EXPECT_EQ(rows.value()(2), 1e-200);                         // and 0 here
  EXPECT_EQ(norm(x, 0, true).shape(), (Shape{1, 2}));
  tape.backward(sum(rows));
  EXPECT_EQ(x.grad()(0, 0), 0.6);
  EXPECT_EQ(x.grad()(0, 1), 0.8);
  EXPECT_DOUBLE_EQ(x.grad()(1, 0), std::sqrt(0.5));
  EXPECT_EQ(x.grad()(2, 0), 1.0);
  EXPECT_EQ(norm(tape.constant(Tensor<double>::from_shape({0}))).item(), 0.0);  // no elements
}

TEST(NormOp, GradientAtZeroIsZeroToEveryOrder) {
  // Documented: ∂‖x‖/∂x is taken as 0 where ‖x‖ = 0 (a subgradient, as
  // PyTorch), numerically and recorded, and the recorded one's own
  // derivative there is 0 too.
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{0.0, 0.0}, {3.0, 4.0}});
  const Var<double> rows = norm(x, 1);
  EXPECT_EQ(rows.value(), (Tensor<double>{0.0, 5.0}));
  tape.backward(sum(rows));
  EXPECT_EQ(x.grad(), (Tensor<double>{{0.0, 0.0}, {0.6, 0.8}}));
  const Var<double> g = tape.gradient(sum(rows), {x}, {.create_graph = true})[0];
  EXPECT_EQ(g.value(), x.grad());
  // ∂/∂x of Σ g ⊙ d: at the zero row 0; at (3, 4) the Hessian (I − u uᵀ)/‖x‖ applied to d.
  const Tensor<double> d{{1.0, -2.0}, {0.5, 0.25}};
  const Var<double> second = tape.gradient(sum(g * tape.constant(d)), {x})[0];
  const double u0 = 0.6, u1 = 0.8, ud = u0 * 0.5 + u1 * 0.25;
  EXPECT_EQ(second.value()(0, 0), 0.0);
  EXPECT_EQ(second.value()(0, 1), 0.0);
  EXPECT_DOUBLE_EQ(second.value()(1, 0), (0.5 - u0 * ud) / 5);
  EXPECT_DOUBLE_EQ(second.value()(1, 1), (0.25 - u1 * ud) / 5);
  // All of it zero: the same.
  const Var<double> zero = tape.variable(Tensor<double>{0.0, 0.0, 0.0});
  const Var<double> gz = tape.gradient(norm(zero), {zero}, {.create_graph = true})[0];
  EXPECT_EQ(gz.value(), xt::zeros<double>({3}));
  EXPECT_EQ(tape.gradient(sum(gz), {zero})[0].value(), xt::zeros<double>({3}));
}

TEST(NormOp, BadAxes) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({2, 3}, 2));
  testing::expect_op_error<ValueError>(tape, [&] { (void)norm(x, 2, true); }, "norm",
                                       {"axis 2 is out of range for shape (2, 3)"});
}

}  // namespace
}  // namespace tapegrad
