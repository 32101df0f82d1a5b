#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

/// Σ −t log σ(x) − (1 − t) log(1 − σ(x)), the textbook form (fine for small x).
double bce_reference(const Tensor<double>& x, const Tensor<double>& t, Reduction reduction) {
  double total = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double s = 1.0 / (1.0 + std::exp(-x.data()[i]));
    total -= t.data()[i] * std::log(s) + (1.0 - t.data()[i]) * std::log(1.0 - s);
  }
  return reduction == Reduction::mean ? total / static_cast<double>(x.size()) : total;
}

TEST(BinaryCrossEntropyOp, GradcheckOnRandomShapes) {
  std::uint64_t seed = 1;
  for (const Reduction reduction : {Reduction::mean, Reduction::sum}) {
    for (const Shape& shape :
         {Shape{}, Shape{1}, Shape{6}, Shape{1, 1}, Shape{5, 1}, Shape{1, 4}, Shape{3, 4}}) {
      const Tensor<double> logits = random_tensor(shape, seed++, -3.0, 3.0);
      const Tensor<double> targets = random_tensor(shape, seed++, 0.0, 1.0);
      // Both inputs are differentiable: targets get −x.
      TG_EXPECT_GRADCHECK(
          testing::check_binary(
              [&](Var<double> x, Var<double> t) { return binary_cross_entropy(x, t, reduction); },
              logits, targets),
          "bce " << testing::str(shape));
      Tape<double> tape;
      const Var<double> loss =
          binary_cross_entropy(tape.constant(logits), tape.constant(targets), reduction);
      EXPECT_NEAR(loss.item(), bce_reference(logits, targets, reduction), 1e-13);
    }
  }
  // Shapes drawn at random too: rank 0 to 2, sides 1 to 6.
  std::mt19937_64 dims(42);
  for (int trial = 0; trial < 8; ++trial) {
    Shape shape(dims() % 3);
    for (std::size_t& side : shape)
      side = 1 + dims() % 6;
    const Tensor<double> x = random_tensor(shape, seed++, -4.0, 4.0);
    const Tensor<double> t = random_tensor(shape, seed++, 0.0, 1.0);
    TG_EXPECT_GRADCHECK(
        testing::check_binary(
            [](Var<double> a, Var<double> b) { return binary_cross_entropy(a, b); }, x, t),
        "bce random shape " << testing::str(shape));
  }
  const Tensor<double> logits = random_tensor({3, 2}, 90, -2.0, 2.0);
  const Tensor<double> targets{{0.0, 1.0}, {1.0, 0.5}, {0.25, 0.0}};
  for (const double mean : {0.0, 1.0}) {
    TG_EXPECT_GRADCHECK(gradcheck(
                            [&](Tape<double>& tape, const std::vector<Var<double>>& in) {
                              return tape.apply("binary_cross_entropy",
                                                {in[0], tape.constant(targets)}, {{"mean", mean}});
                            },
                            {logits}),
                        "by name, mean = " << mean);
  }
}

TEST(BinaryCrossEntropyOp, ExactValuesAndGradient) {
  Tape<double> tape;
  // x = 0: log 2 whatever t; ∂x = σ(0) − t = 0.5 − t.
  const Var<double> x = tape.variable(Tensor<double>{0.0, 0.0, 2.0});
  const Var<double> t = tape.variable(Tensor<double>{0.0, 1.0, 1.0});
  const Var<double> loss = binary_cross_entropy(x, t, Reduction::sum);
  const double expected = 2 * std::log(2.0) + std::log1p(std::exp(-2.0));
  EXPECT_NEAR(loss.item(), expected, 1e-15);
  tape.backward(loss);
  testing::expect_tensor_near(x.grad(),
                              Tensor<double>{0.5, -0.5, 1.0 / (1.0 + std::exp(2.0)) * -1.0}, 1e-15,
                              "∂x = σ(x) − t");
  testing::expect_tensor_near(t.grad(), Tensor<double>{-0.0, -0.0, -2.0}, 1e-15, "∂t = −x");
  EXPECT_EQ(tape.node(loss.id()).op->attributes(), (Attributes{{"mean", 0}}));
  const Var<double> averaged = binary_cross_entropy(x, t);  // mean by default
  EXPECT_NEAR(averaged.item(), expected / 3, 1e-15);
}

TEST(BinaryCrossEntropyOp, StableForHugeLogits) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1000.0, -1000.0, 1000.0, -1000.0});
  const Var<double> t = tape.constant(Tensor<double>{1.0, 0.0, 0.0, 1.0});
  const Var<double> loss = binary_cross_entropy(x, t, Reduction::sum);
  // Right with margin 1000: 0 each; wrong: 1000 each.
  EXPECT_DOUBLE_EQ(loss.item(), 2000.0);
  tape.backward(loss);
  testing::expect_tensor_near(x.grad(), Tensor<double>{0.0, 0.0, 1.0, -1.0}, 1e-15, "∂x");

  Tape<float> f32;
  const Var<float> xf = f32.variable(Tensor<float>{1000.0f, -1000.0f});
  const Var<float> lf =
      binary_cross_entropy(xf, f32.constant(Tensor<float>{0.0f, 0.0f}), Reduction::sum);
  EXPECT_FLOAT_EQ(lf.item(), 1000.0f);
  f32.backward(lf);
  EXPECT_FLOAT_EQ(xf.grad()(0), 1.0f);
  EXPECT_FLOAT_EQ(xf.grad()(1), 0.0f);
}

TEST(BinaryCrossEntropyOp, Errors) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({2, 3}, 1));
  const Var<double> wrong_shape = tape.constant(random_tensor({3, 2}, 2, 0.0, 1.0));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)binary_cross_entropy(x, wrong_shape); },
                                       "binary_cross_entropy", {"(2, 3)", "(3, 2)", "same shape"});
  const Var<double> above = tape.constant(Tensor<double>{{0.0, 1.5, 0.0}, {0.0, 0.0, 0.0}});
  testing::expect_op_error<ValueError>(tape, [&] { (void)binary_cross_entropy(x, above); },
                                       "binary_cross_entropy", {"target 1.5", "index 1", "[0, 1]"});
  const Var<double> nan = tape.constant(
      Tensor<double>{{0.0, 0.0, 0.0}, {0.0, 0.0, std::numeric_limits<double>::quiet_NaN()}});
  testing::expect_op_error<ValueError>(tape, [&] { (void)binary_cross_entropy(x, nan); },
                                       "binary_cross_entropy", {"index 5"});
  const Var<double> empty = tape.variable(Tensor<double>::from_shape({0}));
  testing::expect_op_error<ValueError>(tape, [&] { (void)binary_cross_entropy(empty, empty); },
                                       "binary_cross_entropy", {"empty"});
}

TEST(BinaryCrossEntropyOp, CostCountsEveryLogit) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({4, 5}, 3));
  const Var<double> loss =
      binary_cross_entropy(x, tape.constant(random_tensor({4, 5}, 4, 0.0, 1.0)));
  // The targets are constants: only ∂x is computed.
  const auto cost = tape.cost(loss.id());
  ASSERT_TRUE(cost.has_value());
  EXPECT_EQ(cost->forward_flops, 8u * 20);
  EXPECT_EQ(cost->forward_bytes, (2u * 20 + 1) * 8);
  EXPECT_EQ(cost->backprop_flops, 6u * 20);
  EXPECT_EQ(cost->backprop_bytes, 3u * 20 * 8);
  const auto both =
      tape.node(loss.id()).op->cost({{Shape{4, 5}, Shape{4, 5}}, Shape{}, {true, true}});
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->backprop_flops, 7u * 20);
  EXPECT_EQ(both->backprop_bytes, 5u * 20 * 8);
  EXPECT_FALSE(tape.node(loss.id()).op->formula().empty());
}

}  // namespace
}  // namespace tapegrad
