#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

/// Whole-number labels in [0, classes), as a float tensor of `count` rows.
Tensor<double> labels_for(std::size_t count, std::size_t classes, std::uint64_t seed) {
  Tensor<double> labels = random_tensor({count}, seed, 0.0, static_cast<double>(classes));
  for (double& l : labels)
    l = std::floor(l);
  return labels;
}

/// Σ_rows −log softmax(x)[label], by hand; divided by rows for the mean.
double cross_entropy_reference(const Tensor<double>& logits, const Tensor<double>& labels,
                               Reduction reduction) {
  const std::size_t rows = logits.dimension() == 2 ? logits.shape()[0] : 1;
  const std::size_t classes = logits.shape().back();
  double total = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const double* x = logits.data() + r * classes;
    double z = 0;
    for (std::size_t c = 0; c < classes; ++c)
      z += std::exp(x[c]);
    total += -std::log(std::exp(x[static_cast<std::size_t>(labels.data()[r])]) / z);
  }
  return reduction == Reduction::mean ? total / static_cast<double>(rows) : total;
}

GradcheckResult check_cross_entropy(const Tensor<double>& logits, const Tensor<double>& labels,
                                    Reduction reduction) {
  // Labels are a constant: they are not differentiable (perturbing one by
  // eps would make it a non-integer).
  return gradcheck(
      [&](Tape<double>& tape, const std::vector<Var<double>>& in) {
        return cross_entropy(in[0], tape.constant(labels), reduction);
      },
      {logits});
}

TEST(CrossEntropyOp, GradcheckMeanAndSum) {
  struct Shapes {
    Shape logits;
    Shape labels;
  };
  std::uint64_t seed = 1;
  for (const Reduction reduction : {Reduction::mean, Reduction::sum}) {
    for (const auto& [ls, lab] :
         {Shapes{{4, 3}, {4}}, Shapes{{1, 1}, {1}}, Shapes{{1, 5}, {1}}, Shapes{{4, 1}, {4}},
          Shapes{{6, 2}, {6}}, Shapes{{5}, {1}}, Shapes{{5}, {}}, Shapes{{1}, {}}}) {
      const std::size_t classes = ls.back();
      const std::size_t rows = ls.size() == 2 ? ls[0] : 1;
      Tensor<double> labels = labels_for(rows, classes, seed++);
      labels.reshape(lab);
      const Tensor<double> logits = random_tensor(ls, seed++, -3.0, 3.0);
      TG_EXPECT_GRADCHECK(check_cross_entropy(logits, labels, reduction),
                          "cross_entropy " << testing::str(ls) << " labels " << testing::str(lab)
                                           << (reduction == Reduction::mean ? " mean" : " sum"));
    }
  }
  // By registered name (labels as a constant, for the reason above).
  const Tensor<double> logits = random_tensor({3, 4}, 70, -2.0, 2.0);
  const Tensor<double> labels{3.0, 0.0, 2.0};
  for (const double mean : {0.0, 1.0}) {
    TG_EXPECT_GRADCHECK(
        gradcheck(
            [&](Tape<double>& tape, const std::vector<Var<double>>& in) {
              return tape.apply("cross_entropy", {in[0], tape.constant(labels)}, {{"mean", mean}});
            },
            {logits}),
        "cross_entropy by name, mean = " << mean);
  }
}

TEST(CrossEntropyOp, EqualsMinusLogSoftmaxOfLabel) {
  std::uint64_t seed = 100;
  for (const Reduction reduction : {Reduction::mean, Reduction::sum}) {
    for (const Shape& shape : {Shape{4, 3}, Shape{1, 1}, Shape{1, 6}, Shape{5, 1}, Shape{7}}) {
      const std::size_t rows = shape.size() == 2 ? shape[0] : 1;
      const Tensor<double> logits = random_tensor(shape, seed++, -4.0, 4.0);
      const Tensor<double> labels = labels_for(rows, shape.back(), seed++);
      Tape<double> tape;
      const Var<double> x = tape.variable(logits);
      const Var<double> loss = cross_entropy(x, tape.constant(labels), reduction);
      EXPECT_EQ(loss.rank(), 0u);
      EXPECT_NEAR(loss.item(), cross_entropy_reference(logits, labels, reduction), 1e-13)
          << testing::str(shape);

      // Through the library's own log_softmax too.
      const Tensor<double>& ls = log_softmax(x).value();
      double total = 0;
      for (std::size_t r = 0; r < rows; ++r) {
        total -= ls.data()[r * shape.back() + static_cast<std::size_t>(labels(r))];
      }
      if (reduction == Reduction::mean)
        total /= static_cast<double>(rows);
      EXPECT_NEAR(loss.item(), total, 1e-13) << testing::str(shape);
    }
  }
  Tape<double> tape;
  // Uniform logits over 4 classes: −log ¼ per row, whatever the label.
  const Var<double> uniform = cross_entropy(tape.constant(xt::zeros<double>({2, 4})),
                                            tape.constant(Tensor<double>{0.0, 3.0}));
  EXPECT_DOUBLE_EQ(uniform.item(), std::log(4.0));
  EXPECT_EQ(tape.node(uniform.id()).op->attributes(), (Attributes{{"mean", 1}}));  // default mean
  const Var<double> summed = cross_entropy(tape.constant(xt::zeros<double>({2, 4})),
                                           tape.constant(Tensor<double>{0.0, 3.0}), Reduction::sum);
  EXPECT_DOUBLE_EQ(summed.item(), 2 * std::log(4.0));
}

TEST(CrossEntropyOp, GradientIsSoftmaxMinusOnehotOverBatch) {
  const Tensor<double> logits = random_tensor({4, 3}, 1, -2.0, 2.0);
  const Tensor<double> labels{2.0, 0.0, 1.0, 2.0};
  for (const Reduction reduction : {Reduction::mean, Reduction::sum}) {
    Tape<double> tape;
    const Var<double> x = tape.variable(logits);
    const Var<double> l = tape.variable(labels);  // a variable: still receives no gradient
    tape.backward(cross_entropy(x, l, reduction));
    const double factor = reduction == Reduction::mean ? 0.25 : 1.0;
    for (std::size_t r = 0; r < 4; ++r) {
      double z = 0;
      for (std::size_t c = 0; c < 3; ++c)
        z += std::exp(logits(r, c));
      for (std::size_t c = 0; c < 3; ++c) {
        const double onehot = c == static_cast<std::size_t>(labels(r)) ? 1.0 : 0.0;
        EXPECT_NEAR(x.grad()(r, c), factor * (std::exp(logits(r, c)) / z - onehot), 1e-15);
      }
    }
    EXPECT_EQ(l.grad(), xt::zeros<double>({4}));
  }
}

TEST(CrossEntropyOp, StableForHugeLogits) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{
      {1000.0, -1000.0, 0.0}, {-1000.0, 1000.0, 1000.0}, {-1000.0, -1000.0, -1000.0}});
  const Var<double> labels = tape.constant(Tensor<double>{0.0, 1.0, 2.0});
  const Var<double> loss = cross_entropy(x, labels);
  ASSERT_TRUE(std::isfinite(loss.item()));
  // row 0: logsumexp = 1000 → 0; row 1: logsumexp = 1000 + log 2 → log 2; row 2: log 3.
  EXPECT_NEAR(loss.item(), (std::log(2.0) + std::log(3.0)) / 3.0, 1e-12);
  tape.backward(loss);
  const Tensor<double> softmax{{1.0, 0.0, 0.0}, {0.0, 0.5, 0.5}, {1.0 / 3, 1.0 / 3, 1.0 / 3}};
  const Tensor<double> onehot{{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 1.0}};
  for (double g : x.grad())
    EXPECT_TRUE(std::isfinite(g));
  testing::expect_tensor_near(x.grad(), Tensor<double>((softmax - onehot) / 3.0), 1e-15,
                              "(softmax − onehot) / B");

  // A wrong label at +1000 margin: loss 2000, still finite.
  const Var<double> v = tape.variable(Tensor<double>{1000.0, -1000.0});
  const Var<double> wrong = cross_entropy(v, tape.constant(Tensor<double>{1.0}));
  EXPECT_NEAR(wrong.item(), 2000.0, 1e-9);
  tape.backward(wrong);
  testing::expect_tensor_near(v.grad(), Tensor<double>{1.0, -1.0}, 1e-15, "d wrong label");
}

TEST(CrossEntropyOp, LabelErrors) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({2, 3}, 1));
  const auto labels = [&](Tensor<double> t) { return tape.constant(std::move(t)); };

  const Var<double> too_big = labels({0.0, 3.0});
  testing::expect_op_error<ValueError>(tape, [&] { (void)cross_entropy(x, too_big); },
                                       "cross_entropy", {"label 3", "row 1", "[0, 3)"});
  const Var<double> negative = labels({-1.0, 0.0});
  testing::expect_op_error<ValueError>(tape, [&] { (void)cross_entropy(x, negative); },
                                       "cross_entropy", {"label -1", "row 0", "[0, 3)"});
  const Var<double> fractional = labels({0.0, 1.5});
  testing::expect_op_error<ValueError>(tape, [&] { (void)cross_entropy(x, fractional); },
                                       "cross_entropy", {"label 1.5", "row 1"});
  const Var<double> nan = labels({std::numeric_limits<double>::quiet_NaN(), 0.0});
  testing::expect_op_error<ValueError>(tape, [&] { (void)cross_entropy(x, nan); }, "cross_entropy",
                                       {"row 0"});

  const Var<double> too_many = labels({0.0, 1.0, 2.0});
  testing::expect_op_error<ShapeError>(tape, [&] { (void)cross_entropy(x, too_many); },
                                       "cross_entropy", {"(2, 3)", "(3,)"});
  const Var<double> column = labels(testing::column({0.0, 1.0}));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)cross_entropy(x, column); },
                                       "cross_entropy", {"(2, 3)", "(2, 1)"});
  const Var<double> vector_logits = tape.variable(random_tensor({4}, 2));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)cross_entropy(vector_logits, too_big); },
                                       "cross_entropy", {"(4,)", "(2,)"});
  const Var<double> cube = tape.variable(random_tensor({2, 2, 3}, 3));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)cross_entropy(cube, too_big); },
                                       "cross_entropy", {"(2, 2, 3)"});
}

}  // namespace
}  // namespace tapegrad
