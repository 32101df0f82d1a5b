#include <gtest/gtest.h>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

/// ½ Σ (y − t)², divided by the rows of a matrix for the mean.
double mse_reference(const Tensor<double>& y, const Tensor<double>& t, Reduction reduction) {
  double total = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double d = y.data()[i] - t.data()[i];
    total += d * d;
  }
  const double rows = y.dimension() == 2 ? static_cast<double>(y.shape()[0]) : 1.0;
  return 0.5 * total / (reduction == Reduction::mean ? rows : 1.0);
}

const std::vector<Shape>& mse_shapes() {
  static const std::vector<Shape> shapes = {Shape{},     Shape{1},    Shape{5},   Shape{1, 1},
                                            Shape{1, 4}, Shape{4, 1}, Shape{3, 4}};
  return shapes;
}

TEST(MseOp, GradcheckSumAndMeanForBothInputs) {
  std::uint64_t seed = 1;
  for (const Reduction reduction : {Reduction::sum, Reduction::mean}) {
    for (const Shape& shape : mse_shapes()) {
      const Tensor<double> y = random_tensor(shape, seed++);
      const Tensor<double> t = random_tensor(shape, seed++);
      TG_EXPECT_GRADCHECK(
          testing::check_binary(
              [reduction](Var<double> a, Var<double> b) { return mse(a, b, reduction); }, y, t),
          "mse " << testing::str(shape) << (reduction == Reduction::mean ? " mean" : " sum"));
    }
  }
  const Tensor<double> y = random_tensor({3, 2}, 50), t = random_tensor({3, 2}, 51);
  TG_EXPECT_GRADCHECK(gradcheck("mse", {y, t}), "mse by name");
  TG_EXPECT_GRADCHECK(gradcheck("mse", {y, t}, {{"mean", 1}}), "mse by name, mean");
}

TEST(MseOp, ForwardIsHalfSumOfSquares) {
  std::uint64_t seed = 100;
  for (const Reduction reduction : {Reduction::sum, Reduction::mean}) {
    for (const Shape& shape : mse_shapes()) {
      const Tensor<double> yv = random_tensor(shape, seed++), tv = random_tensor(shape, seed++);
      Tape<double> tape;
      const Var<double> loss = mse(tape.constant(yv), tape.constant(tv), reduction);
      EXPECT_EQ(loss.rank(), 0u);
      EXPECT_NEAR(loss.item(), mse_reference(yv, tv, reduction), 1e-15) << testing::str(shape);
    }
  }
  Tape<double> tape;
  const Var<double> y = tape.variable(Tensor<double>{{1.0, 2.0}, {3.0, 4.0}});
  const Var<double> t = tape.constant(Tensor<double>{{0.0, 2.0}, {5.0, 4.0}});
  EXPECT_EQ(mse(y, t).item(), 2.5);  // ½ (1 + 0 + 4 + 0); the default is the sum
  const Var<double> m = mse(y, t, Reduction::mean);
  EXPECT_EQ(m.item(), 1.25);  // divided by 2 rows
  EXPECT_EQ(tape.node(m.id()).op->attributes(), (Attributes{{"mean", 1}}));
  // A vector counts as one sample.
  EXPECT_EQ(mse(tape.constant(Tensor<double>{1.0, 3.0}), tape.constant(Tensor<double>{0.0, 0.0}),
                Reduction::mean)
                .item(),
            5.0);
}

TEST(MseOp, GradientsAreResidualOverRows) {
  const Tensor<double> yv = random_tensor({3, 2}, 1), tv = random_tensor({3, 2}, 2);
  for (const Reduction reduction : {Reduction::sum, Reduction::mean}) {
    Tape<double> tape;
    const Var<double> y = tape.variable(yv), t = tape.variable(tv);
    tape.backward(mse(y, t, reduction));
    const double factor = reduction == Reduction::mean ? 1.0 / 3.0 : 1.0;
    for (std::size_t i = 0; i < yv.size(); ++i) {
      const double r = yv.data()[i] - tv.data()[i];
      EXPECT_NEAR(y.grad().data()[i], factor * r, 1e-15);
      EXPECT_NEAR(t.grad().data()[i], -factor * r, 1e-15);
    }
  }
}

TEST(MseOp, ShapeMismatchAndEmptyBatch) {
  Tape<double> tape;
  const Var<double> y = tape.variable(random_tensor({2, 3}, 1));
  const Var<double> t = tape.constant(random_tensor({3, 2}, 2));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)mse(y, t); }, "mse", {"(2, 3)", "(3, 2)"});
  const Var<double> v = tape.constant(random_tensor({6}, 3));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)mse(y, v, Reduction::mean); }, "mse",
                                       {"(2, 3)", "(6,)"});
  // Broadcasting is not applied: (2, 3) against (3,) is a mismatch.
  const Var<double> row = tape.constant(random_tensor({3}, 4));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)mse(y, row); }, "mse", {"(2, 3)", "(3,)"});
  const Var<double> empty = tape.variable(Tensor<double>::from_shape({0, 3}));
  testing::expect_op_error<ValueError>(tape, [&] { (void)mse(empty, empty, Reduction::mean); },
                                       "mse", {"empty"});
  EXPECT_EQ(mse(empty, empty, Reduction::sum).item(), 0.0);
}

}  // namespace
}  // namespace tapegrad
