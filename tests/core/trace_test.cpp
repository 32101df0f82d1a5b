// backward(y, {.trace}): every reverse step with the gradient arriving and
// what it sends to each input, checked against SEED.md's backward table; and
// tracing must not change any gradient.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "lecture/network.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

constexpr double kTolerance = 1e-9;

void expect_values(const TraceTensor& actual, std::initializer_list<double> expected,
                   const std::string& what) {
  ASSERT_EQ(actual.values.size(), expected.size()) << what;
  std::size_t i = 0;
  for (double e : expected)
    EXPECT_NEAR(actual.values[i++], e, kTolerance) << what << " element " << i - 1;
}

const TraceStep& step_labelled(const BackpropTrace& trace, const std::string& label) {
  for (const TraceStep& step : trace.steps) {
    if (step.label == label)
      return step;
  }
  throw std::runtime_error("no traced step labelled " + label);
}

const TraceContribution& sent_to(const TraceStep& step, NodeId input) {
  for (const TraceContribution& c : step.contributions) {
    if (c.input == input)
      return c;
  }
  throw std::runtime_error("step " + std::to_string(step.node) + " sent nothing to node " +
                           std::to_string(input));
}

class TracedLecture : public ::testing::Test {
 protected:
  void SetUp() override {
    pass = net.forward(tape);
    tape.backward(pass.loss, {.trace = &trace});
  }
  lecture::Network net;
  Tape<double> tape;
  lecture::Network::Pass pass;
  BackpropTrace trace;
};

TEST_F(TracedLecture, StepsFollowTheSweepOrderFromTheLoss) {
  ASSERT_TRUE(trace.output.has_value());
  EXPECT_EQ(*trace.output, pass.loss.id());
  expect_values(trace.seed, {1.0}, "seed");
  // One step per op node reached, node ids decreasing.
  std::vector<std::string> ops;
  for (std::size_t k = 0; k < trace.steps.size(); ++k) {
    ops.push_back(trace.steps[k].op);
    if (k > 0) {
      EXPECT_LT(trace.steps[k].node, trace.steps[k - 1].node);
    }
  }
  EXPECT_EQ(ops, (std::vector<std::string>{"mse", "sigmoid", "add", "matmul", "sigmoid", "add",
                                           "matmul"}));
  EXPECT_EQ(trace.steps.front().label, "L");
  EXPECT_EQ(trace.find(pass.loss.id()), &trace.steps.front());
  EXPECT_EQ(trace.find(0), nullptr);  // a leaf is never a step
}

TEST_F(TracedLecture, GradientsArrivingMatchTheLectureTable) {
  expect_values(step_labelled(trace, "L").grad_output, {1.0}, "g at L");
  expect_values(step_labelled(trace, "y").grad_output, {0.7448067435, -0.2130944801}, "g at y");
  expect_values(step_labelled(trace, "a(2)").grad_output, {0.1378440083, -0.0369342456},
                "g at a(2)");
  expect_values(step_labelled(trace, "h(1)").grad_output, {0.0366704805, 0.0417159687},
                "g at h(1)");
  expect_values(step_labelled(trace, "a(1)").grad_output, {0.0087283351, 0.0097913522},
                "g at a(1)");
}

TEST_F(TracedLecture, ContributionsAreTheLayerGradients) {
  // a(k) = W(k) h + b(k): the add sends g to b(k) and to the matmul node; the
  // matmul sends g h(k-1)ᵀ to W(k) and W(k)ᵀ g down to h(k-1).
  const TraceStep& add2 = step_labelled(trace, "a(2)");
  const NodeId b2 = tape.inputs(add2.node)[1];
  EXPECT_EQ(tape.node(b2).label, "b(2)");
  expect_values(sent_to(add2, b2).gradient, {0.1378440083, -0.0369342456}, "∇b(2)");
  EXPECT_EQ(sent_to(add2, b2).position, 1u);

  const NodeId matmul2 = tape.inputs(add2.node)[0];
  const TraceStep* product = trace.find(matmul2);
  ASSERT_NE(product, nullptr);
  const NodeId w2 = tape.inputs(matmul2)[0];
  expect_values(sent_to(*product, w2).gradient,
                {0.0840090010, 0.0859641590, -0.0225095680, -0.0230334376}, "∇W(2)");
  EXPECT_EQ(sent_to(*product, w2).gradient.shape, (std::vector<std::size_t>{2, 2}));
  expect_values(sent_to(*product, pass.h1.id()).gradient, {0.0366704805, 0.0417159687}, "∇h(1)");

  const TraceStep& add1 = step_labelled(trace, "a(1)");
  const TraceStep* product1 = trace.find(tape.inputs(add1.node)[0]);
  ASSERT_NE(product1, nullptr);
  const NodeId w1 = tape.inputs(product1->node)[0];
  expect_values(sent_to(*product1, w1).gradient,
                {0.0043641675, 0.0008728335, 0.0048956761, 0.0009791352}, "∇W(1)");
  // x is a constant: nothing is sent to it.
  EXPECT_EQ(product1->contributions.size(), 1u);
}

TEST_F(TracedLecture, TracingChangesNoGradient) {
  lecture::Network plain;
  Tape<double> untraced;
  const auto p = plain.forward(untraced);
  untraced.backward(p.loss);
  EXPECT_EQ(plain.w1.grad(), net.w1.grad());
  EXPECT_EQ(plain.b1.grad(), net.b1.grad());
  EXPECT_EQ(plain.w2.grad(), net.w2.grad());
  EXPECT_EQ(plain.b2.grad(), net.b2.grad());
  EXPECT_EQ(p.h1.grad(), pass.h1.grad());
}

TEST(Trace, FanOutReportsEachContributionAndSumsThem) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.5, -1.25}, "x");
  const Var<double> a = tape.constant(Tensor<double>{3.0, 2.0}, "a");
  const Var<double> y = sum(x * a + sin(x));
  BackpropTrace trace;
  tape.backward(y, {.trace = &trace});

  const TraceStep* product = trace.find(tape.inputs(tape.inputs(y.id())[0])[0]);
  ASSERT_NE(product, nullptr);
  ASSERT_EQ(product->op, "mul");
  ASSERT_EQ(product->contributions.size(), 1u);  // a is a constant
  EXPECT_EQ(product->contributions[0].gradient.values, (std::vector<double>{3.0, 2.0}));

  const NodeId sine = tape.inputs(tape.inputs(y.id())[0])[1];
  const TraceStep* sin_step = trace.find(sine);
  ASSERT_NE(sin_step, nullptr);
  EXPECT_EQ(sin_step->contributions[0].gradient.values,
            (std::vector<double>{std::cos(0.5), std::cos(-1.25)}));
  // The node's gradient is the sum of both, exactly as without tracing.
  EXPECT_EQ(x.grad(), (Tensor<double>{3.0 + std::cos(0.5), 2.0 + std::cos(-1.25)}));
}

TEST(Trace, AnInputUsedTwiceGetsOneSummedContribution) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.5, -2.0}, "x");
  const Var<double> y = sum(x * x);
  BackpropTrace trace;
  tape.backward(y, {.trace = &trace});
  const TraceStep* product = trace.find(tape.inputs(y.id())[0]);
  ASSERT_NE(product, nullptr);
  ASSERT_EQ(product->contributions.size(), 1u);
  EXPECT_EQ(product->contributions[0].position, 0u);
  EXPECT_EQ(product->contributions[0].gradient.values, (std::vector<double>{3.0, -4.0}));
  EXPECT_EQ(x.grad(), (Tensor<double>{3.0, -4.0}));
}

TEST(Trace, ParameterGradientsKeepAccumulatingAcrossTracedBackwards) {
  Parameter<double> w(Tensor<double>{2.0, 3.0}, "w");
  Tape<double> tape;
  BackpropTrace trace;
  for (int pass = 1; pass <= 2; ++pass) {
    const Var<double> y = sum(tape.watch(w) * tape.constant(Tensor<double>{1.0, 10.0}));
    tape.backward(y, {.trace = &trace});
    // Each trace reports only this backward's contribution…
    ASSERT_EQ(trace.steps.size(), 2u);
    EXPECT_EQ(trace.steps[1].contributions[0].gradient.values, (std::vector<double>{1.0, 10.0}));
    // …while the parameter keeps the running sum.
    EXPECT_EQ(w.grad(), (Tensor<double>{1.0 * pass, 10.0 * pass}));
  }
}

TEST(Trace, SeededBackwardRecordsTheSeed) {
  Tape<float> tape;
  const Var<float> x = tape.variable(Tensor<float>{1.0f, 2.0f});
  const Var<float> y = x * x;
  BackpropTrace trace;
  tape.backward(y, Tensor<float>{0.5f, -1.0f}, {.trace = &trace});
  EXPECT_EQ(trace.seed.values, (std::vector<double>{0.5, -1.0}));
  EXPECT_EQ(trace.seed.shape, (std::vector<std::size_t>{2}));
  ASSERT_EQ(trace.steps.size(), 1u);
  EXPECT_EQ(trace.steps[0].contributions[0].gradient.values, (std::vector<double>{1.0, -4.0}));
}

}  // namespace
}  // namespace tapegrad
