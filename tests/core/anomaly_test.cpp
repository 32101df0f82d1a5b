// Anomaly mode: the first NaN or Inf in forward or backprop throws an
// AnomalyError naming the node, op, label and what went bad; off by default.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

template <class F>
AnomalyError anomaly_of(F&& f) {
  try {
    f();
  } catch (const AnomalyError& e) {
    return e;
  }
  ADD_FAILURE() << "no AnomalyError was thrown";
  return AnomalyError("none");
}

TEST(AnomalyMode, IsOffByDefault) {
  Tape<double> tape;
  EXPECT_FALSE(tape.detect_anomaly());
  const Var<double> x = tape.variable(Tensor<double>{-1.0, 0.0});
  const Var<double> y = log(x);  // NaN and -Inf, silently
  EXPECT_TRUE(std::isnan(y.value()(0)));
  tape.backward(sum(sqrt(tape.variable(Tensor<double>{0.0}))));  // Inf gradient, silently
}

TEST(AnomalyMode, ForwardNamesTheNodeOpAndLabel) {
  Tape<double> tape;
  tape.set_detect_anomaly(true);
  const Var<double> x = tape.variable(Tensor<double>{4.0, -1.0, 0.0}, "x");
  const Var<double> s = sqrt(x * x).label("s");  // finite everywhere; x - s = [0, -2, 0]
  const std::size_t before = tape.size();
  const AnomalyError e = anomaly_of([&] { (void)log(x - s); });
  EXPECT_EQ(e.op(), "log");
  EXPECT_EQ(e.node(), std::optional<NodeId>(static_cast<NodeId>(before + 1)));
  EXPECT_EQ(e.detail(), "forward produced NaN and Inf (3 of 3 elements), from finite inputs");
  EXPECT_EQ(tape.size(), before + 1);  // the failed node was rolled back, the sub stays
}

TEST(AnomalyMode, ForwardBlamesANonFiniteInput) {
  Tape<float> tape;
  tape.set_detect_anomaly(true);
  const Var<float> x =
      tape.constant(Tensor<float>{1.0f, std::numeric_limits<float>::quiet_NaN()}, "data");
  const Var<float> w = tape.variable(Tensor<float>{2.0f, 3.0f}, "w");
  const AnomalyError e = anomaly_of([&] { (void)(w * x).label("wx"); });
  EXPECT_EQ(e.op(), "mul");
  EXPECT_EQ(e.detail(),
            "forward produced NaN (1 of 2 elements), because input 1 (node 0 'data') holds NaN "
            "(1 of 2 elements)");
}

TEST(AnomalyMode, BackpropNamesTheOpAndTheInputThatWentBad) {
  Tape<double> tape;
  tape.set_detect_anomaly(true);
  const Var<double> x = tape.variable(Tensor<double>{0.0, 4.0}, "x");
  const Var<double> root = sqrt(x).label("root");  // sqrt'(0) = Inf
  const Var<double> y = sum(root).label("y");
  const AnomalyError e = anomaly_of([&] { tape.backward(y); });
  EXPECT_EQ(e.op(), "sqrt");
  EXPECT_EQ(e.node(), std::optional<NodeId>(root.id()));
  EXPECT_EQ(e.label(), "root");
  EXPECT_EQ(e.detail(),
            "backprop sent a gradient holding Inf (1 of 2 elements) to input 0 (node 0 'x', shape "
            "(2,)); the gradient arriving here (g) was finite");
}

TEST(AnomalyMode, BackpropSaysWhenTheArrivingGradientWasAlreadyBad) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0}, "x");
  const Var<double> y = x * tape.constant(Tensor<double>{2.0});
  tape.set_detect_anomaly(true);
  const AnomalyError e = anomaly_of(
      [&] { tape.backward(y, Tensor<double>{std::numeric_limits<double>::infinity()}); });
  EXPECT_EQ(e.op(), "backward");
  EXPECT_EQ(e.detail(), "the seed holds Inf (1 of 1 elements)");
}

TEST(AnomalyMode, FiniteGraphsAreUnaffected) {
  Tape<double> tape;
  tape.set_detect_anomaly(true);
  const Var<double> x = tape.variable(Tensor<double>{0.5, 2.0}, "x");
  const Var<double> y = sum(exp(x) * tanh(x));
  tape.backward(y);
  for (std::size_t i = 0; i < 2; ++i) {
    const double v = x.value()(i);
    EXPECT_DOUBLE_EQ(x.grad()(i),
                     std::exp(v) * std::tanh(v) + std::exp(v) * (1 - std::pow(std::tanh(v), 2)));
  }
}

}  // namespace
}  // namespace tapegrad
