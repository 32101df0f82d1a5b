// nll_loss: hand-computed values, nll_loss(log_softmax(x)) equal to
// cross_entropy(x) in value and gradient, ignore_index (a label outside the
// classes, or one of them) with the mean over the kept rows as PyTorch
// takes it, and every error path naming op, shapes and node.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::expect_op_error;
using testing::random_tensor;
using V = Var<double>;

TEST(NllLoss, HandComputedValueAndGradient) {
  const Tensor<double> logp{{-0.5, -1.0, -2.0}, {-3.0, -0.25, -1.5}};
  const Tensor<double> labels{2.0, 1.0};
  for (const Reduction reduction : {Reduction::sum, Reduction::mean}) {
    const double scale = reduction == Reduction::mean ? 0.5 : 1.0;
    Tape<double> tape;
    const V x = tape.variable(logp);
    const V loss = nll_loss(x, tape.constant(labels), reduction);
    EXPECT_DOUBLE_EQ(loss.item(), scale * (2.0 + 0.25));
    tape.backward(loss);
    const Tensor<double> expected{{0.0, 0.0, -scale}, {0.0, -scale, 0.0}};
    EXPECT_EQ(x.grad(), expected);
  }
  // A vector of log-probabilities with one label.
  Tape<double> tape;
  const V x = tape.variable(Tensor<double>{-1.0, -0.5, -4.0});
  EXPECT_EQ(nll_loss(x, tape.constant(Tensor<double>{2.0})).item(), 4.0);
}

TEST(NllLoss, OfLogSoftmaxEqualsCrossEntropy) {
  const Tensor<double> logits = random_tensor({5, 4}, 1, -3.0, 3.0);
  const Tensor<double> labels{3.0, 0.0, 1.0, 3.0, 2.0};
  for (const Reduction reduction : {Reduction::sum, Reduction::mean}) {
    Tape<double> tape;
    const V x = tape.variable(logits);
    const V t = tape.constant(labels);
    const V nll = nll_loss(log_softmax(x), t, reduction);
    const V ce = cross_entropy(x, t, reduction);
    EXPECT_NEAR(nll.item(), ce.item(), 1e-14);
    const std::vector<V> g_nll = tape.gradient(nll, {x});
    const std::vector<V> g_ce = tape.gradient(ce, {x});
    testing::expect_tensor_near(g_nll[0].value(), g_ce[0].value(), 1e-15, "∂x");
    // And their second derivatives (Hessian-vector products) agree too.
    const Tensor<double> v = random_tensor({5, 4}, 2);
    const Var<double> direction = tape.constant(v);
    const auto hvp_of = [&](const V& loss) {
      const V g = tape.gradient(loss, {x}, {.create_graph = true})[0];
      return tape.gradient(sum(g * direction), {x})[0].value();
    };
    testing::expect_tensor_near(hvp_of(nll), hvp_of(ce), 1e-14, "Hessian · v");
  }
}

TEST(NllLoss, IgnoredRowsAddNothingAndTheMeanCountsTheOthers) {
  const Tensor<double> logp{{-0.5, -1.0}, {-3.0, -0.25}, {-2.0, -0.125}, {-1.0, -4.0}};
  Tape<double> tape;
  const V x = tape.variable(logp);
  const V labels = tape.constant(Tensor<double>{1.0, -100.0, 0.0, -100.0});
  const V mean = nll_loss(x, labels, Reduction::mean, -100);
  EXPECT_DOUBLE_EQ(mean.item(), (1.0 + 2.0) / 2);  // two rows count
  EXPECT_EQ(tape.node(mean.id()).op->attributes(),
            (Attributes{{"mean", 1.0}, {"ignore_index", -100.0}}));
  tape.backward(mean);
  EXPECT_EQ(x.grad(), (Tensor<double>{{0.0, -0.5}, {0.0, 0.0}, {-0.5, 0.0}, {0.0, 0.0}}));
  const V summed = nll_loss(x, labels, Reduction::sum, -100);
  EXPECT_DOUBLE_EQ(summed.item(), 3.0);
  // The ignored label may be a class: rows labelled 1 then count for nothing.
  const V class_ignored =
      nll_loss(x, tape.constant(Tensor<double>{1.0, 1.0, 0.0, 0.0}), Reduction::mean, 1);
  EXPECT_DOUBLE_EQ(class_ignored.item(), (2.0 + 1.0) / 2);
  // Without ignore_index, −100 is just a bad label (below); every row ignored
  // in a sum is 0.
  EXPECT_EQ(
      nll_loss(x, tape.constant(Tensor<double>{7.0, 7.0, 7.0, 7.0}), Reduction::sum, 7).item(),
      0.0);
  TG_EXPECT_GRADCHECK(gradcheck(
                          [](Tape<double>& t, const std::vector<V>& in) {
                            return nll_loss(in[0],
                                            t.constant(Tensor<double>{1.0, -100.0, 0.0, 1.0}),
                                            Reduction::mean, -100);
                          },
                          {logp}),
                      "mean with an ignored row");
}

TEST(NllLoss, ByNameWithAttributes) {
  Tape<double> tape;
  const V x = tape.variable(random_tensor({3, 4}, 3, -3.0, 0.0));
  const V labels = tape.constant(Tensor<double>{0.0, -1.0, 3.0});
  const V by_name = tape.apply("nll_loss", {x, labels}, {{"ignore_index", -1}, {"mean", 0}});
  const V typed = nll_loss(x, labels, Reduction::sum, -1);
  EXPECT_EQ(by_name.item(), typed.item());
  EXPECT_EQ(tape.node(by_name.id()).op->attributes(), tape.node(typed.id()).op->attributes());
  const V default_mean = tape.apply("nll_loss", {x, tape.constant(Tensor<double>{0.0, 1.0, 3.0})});
  EXPECT_EQ(tape.node(default_mean.id()).op->attributes(), (Attributes{{"mean", 1.0}}));
}

TEST(NllLoss, ErrorsNameTheOpTheShapesAndTheNode) {
  Tape<double> tape;
  const V x = tape.variable(random_tensor({2, 3}, 4, -2.0, 0.0));
  const auto labels = [&](Tensor<double> t) { return tape.constant(std::move(t)); };
  const V too_big = labels({0.0, 3.0});
  expect_op_error<ValueError>(tape, [&] { (void)nll_loss(x, too_big); }, "nll_loss",
                              {"label 3 of row 1", "[0, 3)", "log-probabilities of shape (2, 3)"});
  const V fractional = labels({0.5, 1.0});
  expect_op_error<ValueError>(tape, [&] { (void)nll_loss(x, fractional); }, "nll_loss",
                              {"label 0.5 of row 0", "[0, 3)"});
  const V minus_100 = labels({-100.0, 1.0});
  expect_op_error<ValueError>(tape, [&] { (void)nll_loss(x, minus_100); }, "nll_loss",
                              {"label -100 of row 0"});
  expect_op_error<ValueError>(tape, [&] { (void)nll_loss(x, minus_100, Reduction::mean, -1); },
                              "nll_loss", {"label -100 of row 0"});
  const V nan = labels({std::numeric_limits<double>::quiet_NaN(), 1.0});
  expect_op_error<ValueError>(tape, [&] { (void)nll_loss(x, nan); }, "nll_loss", {"nan", "row 0"});
  const V too_many = labels({0.0, 1.0, 2.0});
  expect_op_error<ShapeError>(tape, [&] { (void)nll_loss(x, too_many); }, "nll_loss",
                              {"log-probabilities (2, 3)", "one label per row", "(3,)"});
  const V cube = tape.variable(random_tensor({2, 3, 4}, 5));
  expect_op_error<ShapeError>(tape, [&] { (void)nll_loss(cube, too_many); }, "nll_loss",
                              {"(2, 3, 4)"});
  // Every label ignored: PyTorch's mean is NaN, ours an error.
  const V all_ignored = labels({-100.0, -100.0});
  expect_op_error<ValueError>(tape, [&] { (void)nll_loss(x, all_ignored, Reduction::mean, -100); },
                              "nll_loss", {"no labels", "all 2 labels", "(2, 3)", "-100"});
  // A mean over an empty batch.
  const V empty = tape.variable(Tensor<double>::from_shape({0, 3}));
  const V none = labels(Tensor<double>::from_shape({0}));
  expect_op_error<ValueError>(tape, [&] { (void)nll_loss(empty, none); }, "nll_loss",
                              {"empty batch", "(0, 3)"});
  EXPECT_EQ(nll_loss(empty, none, Reduction::sum).item(), 0.0);
  // ignore_index must be a whole number (only by name can it be another).
  const V good = labels({0.0, 1.0});
  expect_op_error<ValueError>(tape,
                              [&] {
                                (void)tape.apply("nll_loss", {x, good}, {{"ignore_index", 0.5}});
                              },
                              "nll_loss", {"ignore_index 0.5", "whole number", "(2, 3)"});
}

}  // namespace
}  // namespace tapegrad
