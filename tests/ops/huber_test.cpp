// huber: PyTorch's HuberLoss by hand on both sides of δ and at |d| = δ
// exactly, its gradient (clamp(d, −δ, δ), negated for the target), its
// second derivative (1 inside δ, 0 outside), reductions, and every error
// path naming op, shapes and node.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::expect_op_error;
using testing::random_tensor;
using V = Var<double>;

TEST(Huber, ValuesAndGradientsInsideAtAndOutsideDelta) {
  struct Case {
    double delta, d, loss, slope;
  };
  // ½ d² for |d| < δ, δ (|d| − ½ δ) from |d| = δ on (both are ½ δ² there).
  const std::vector<Case> cases = {
      {1.0, 0.5, 0.125, 0.5},     {1.0, -0.5, 0.125, -0.5}, {1.0, 1.0, 0.5, 1.0},
      {1.0, -1.0, 0.5, -1.0},     {1.0, 3.0, 2.5, 1.0},     {1.0, -3.0, 2.5, -1.0},
      {2.0, 1.0, 0.5, 1.0},       {2.0, 2.0, 2.0, 2.0},     {2.0, -5.0, 8.0, -2.0},
      {0.5, 0.25, 0.03125, 0.25}, {0.5, 0.5, 0.125, 0.5},   {0.5, 4.0, 1.875, 0.5},
      {1.0, 0.0, 0.0, 0.0},
  };
  for (const Case& c : cases) {
    Tape<double> tape;
    const V y = tape.variable(Tensor<double>{c.d + 0.25});
    const V t = tape.variable(Tensor<double>{0.25});
    const V loss = huber(y, t, Reduction::sum, c.delta);
    EXPECT_DOUBLE_EQ(loss.item(), c.loss) << "δ " << c.delta << " d " << c.d;
    tape.backward(loss);
    EXPECT_DOUBLE_EQ(y.grad()(0), c.slope) << "δ " << c.delta << " d " << c.d;
    EXPECT_DOUBLE_EQ(t.grad()(0), -c.slope) << "δ " << c.delta << " d " << c.d;
  }
}

TEST(Huber, MeanDividesByTheNumberOfElements) {
  const Tensor<double> y{{0.5, 3.0}, {-1.0, 0.0}};
  const Tensor<double> t = xt::zeros<double>({2, 2});
  Tape<double> tape;
  const V yv = tape.variable(y);
  const V mean = huber(yv, tape.constant(t));  // the defaults: mean, δ = 1
  EXPECT_EQ(tape.node(mean.id()).op->attributes(), (Attributes{{"mean", 1.0}, {"delta", 1.0}}));
  EXPECT_DOUBLE_EQ(mean.item(), (0.125 + 2.5 + 0.5 + 0.0) / 4);
  tape.backward(mean);
  EXPECT_EQ(yv.grad(), (Tensor<double>{{0.125, 0.25}, {-0.25, 0.0}}));
  EXPECT_DOUBLE_EQ(huber(yv, tape.constant(t), Reduction::sum).item(), 3.125);
}

TEST(Huber, SecondDerivativeIsOneInsideDeltaAndZeroOutside) {
  // d = y − t at −3, −1 (= −δ), −0.5, 0.2, 1 (= δ), 2.5 for δ = 1.
  const Tensor<double> y{-3.0, -1.0, -0.5, 0.2, 1.0, 2.5};
  Tape<double> tape;
  const V yv = tape.variable(y);
  const V t = tape.constant(Tensor<double>(xt::zeros<double>({6})));
  const V g = tape.gradient(huber(yv, t, Reduction::sum), {yv}, {.create_graph = true})[0];
  testing::expect_tensor_near(g.value(), Tensor<double>{-1.0, -1.0, -0.5, 0.2, 1.0, 1.0}, 0,
                              "gradient");
  const V d2 = tape.gradient(sum(g), {yv})[0];
  EXPECT_EQ(d2.value(), (Tensor<double>{0.0, 0.0, 1.0, 1.0, 0.0, 0.0}));
}

TEST(Huber, GradcheckAndByName) {
  const Tensor<double> y = random_tensor({3, 4}, 1, -3.0, 3.0);
  const Tensor<double> t = random_tensor({3, 4}, 2, -3.0, 3.0);
  for (const double delta : {0.3, 1.0, 2.5}) {
    TG_EXPECT_GRADCHECK(gradcheck("huber", {y, t}, {{"delta", delta}}), "δ " << delta);
    TG_EXPECT_GRADCHECK(gradgradcheck("huber", {y, t}, {{"delta", delta}, {"mean", 0}}),
                        "δ " << delta << " sum, second order");
  }
  Tape<double> tape;
  const V a = tape.constant(y), b = tape.constant(t);
  EXPECT_EQ(tape.apply("huber", {a, b}, {{"delta", 0.5}, {"mean", 0}}).item(),
            huber(a, b, Reduction::sum, 0.5).item());
}

TEST(Huber, ErrorsNameTheOpTheShapesAndTheNode) {
  Tape<double> tape;
  const V y = tape.variable(random_tensor({2, 3}, 3));
  const V t = tape.variable(random_tensor({3, 2}, 4));
  expect_op_error<ShapeError>(tape, [&] { (void)huber(y, t); }, "huber",
                              {"prediction (2, 3)", "target (3, 2)", "same shape"});
  const V t_ok = tape.variable(random_tensor({2, 3}, 5));
  expect_op_error<ValueError>(tape, [&] { (void)huber(y, t_ok, Reduction::mean, 0.0); }, "huber",
                              {"delta must be > 0, got 0", "(2, 3)"});
  expect_op_error<ValueError>(tape, [&] { (void)huber(y, t_ok, Reduction::sum, -1.0); }, "huber",
                              {"got -1"});
  expect_op_error<ValueError>(
      tape, [&] { (void)huber(y, t_ok, Reduction::sum, std::numeric_limits<double>::quiet_NaN()); },
      "huber", {"got nan"});
  const V empty = tape.variable(Tensor<double>::from_shape({0, 3}));
  expect_op_error<ValueError>(tape, [&] { (void)huber(empty, empty); }, "huber",
                              {"empty batch", "(0, 3)"});
  EXPECT_EQ(huber(empty, empty, Reduction::sum).item(), 0.0);
}

}  // namespace
}  // namespace tapegrad
