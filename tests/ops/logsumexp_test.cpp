#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "ops/op_test_support.hpp"
#include "ops/reduction_reference.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(LogSumExpOp, GradcheckValuesAndGradientsOverEveryAxis) {
  // For inputs in [−3, 3) the plain formula is accurate; its gradient is
  // the slice's softmax.
  testing::check_reduction_op(
      "logsumexp",
      [](const std::vector<double>& v) {
        double total = 0;
        for (const double x : v)
          total += std::exp(x);
        return std::log(total);
      },
      [](const std::vector<double>& v) {
        double total = 0;
        for (const double x : v)
          total += std::exp(x);
        std::vector<double> d;
        for (const double x : v)
          d.push_back(std::exp(x) / total);
        return d;
      },
      -3, 3, {}, 1, 1e-13);
}

TEST(LogSumExpOp, StableForHugeInputs) {
  Tape<double> tape;
  const Var<double> x = tape.variable(
      Tensor<double>{{1e4, 1e4}, {-1e4, -1e4}, {1e4, -1e4}, {-kInf, 0.0}, {-kInf, -kInf}});
  const Var<double> y = logsumexp(x, 1);
  EXPECT_EQ(y.value()(0), 1e4 + std::log(2.0));
  EXPECT_EQ(y.value()(1), -1e4 + std::log(2.0));
  EXPECT_EQ(y.value()(2), 1e4);
  EXPECT_EQ(y.value()(3), 0.0);
  EXPECT_EQ(y.value()(4), -kInf);  // log 0
  tape.backward(y, Tensor<double>{1.0, 1.0, 1.0, 1.0, 0.0});
  const Tensor<double> g = x.grad();
  // exp(x − y) with y rounded at the scale of 1e4.
  EXPECT_NEAR(g(0, 0), 0.5, 1e-12);
  EXPECT_NEAR(g(1, 1), 0.5, 1e-12);
  EXPECT_EQ(g(2, 0), 1.0);
  EXPECT_EQ(g(2, 1), 0.0);
  EXPECT_EQ(g(3, 0), 0.0);
  EXPECT_EQ(g(3, 1), 1.0);
  EXPECT_EQ(logsumexp(x).item(), 1e4 + std::log(3.0));  // every element

  Tape<float> single;
  const Var<float> xf = single.constant(Tensor<float>{1e4f, 1e4f});
  EXPECT_FLOAT_EQ(logsumexp(xf).item(), 1e4f + std::log(2.0f));
  const Var<float> inf =
      single.constant(Tensor<float>{std::numeric_limits<float>::infinity(), 1.0f});
  EXPECT_EQ(logsumexp(inf).item(), static_cast<float>(kInf));
}

TEST(LogSumExpOp, MatchesLogSoftmax) {
  // log_softmax(x) = x − logsumexp(x) along each row.
  Tape<double> tape;
  const Var<double> x = tape.constant(random_tensor({3, 5}, 1, -5.0, 5.0));
  const Var<double> lse = logsumexp(x, -1, true);
  const Tensor<double> expected = log_softmax(x).value();
  testing::expect_tensor_near((x - lse).value(), expected, 1e-14, "x − logsumexp(x)");
}

TEST(LogSumExpOp, NoElementsIsMinusInfinityAndBadAxes) {
  Tape<double> tape;
  EXPECT_EQ(logsumexp(tape.constant(Tensor<double>::from_shape({0}))).item(), -kInf);
  EXPECT_EQ(logsumexp(tape.constant(Tensor<double>::from_shape({2, 0})), 1).value(),
            (Tensor<double>{-kInf, -kInf}));
  const Var<double> x = tape.variable(random_tensor({2, 3}, 2));
  testing::expect_op_error<ValueError>(tape, [&] { (void)logsumexp(x, -3); }, "logsumexp",
                                       {"axis -3 is out of range for shape (2, 3)"});
}

}  // namespace
}  // namespace tapegrad
