// backward()'s gradient_ready listener: each watched parameter is reported
// once, when its gradient is final, before the sweep reaches earlier nodes.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "support/half_step.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// Records, for every report, the parameter's label and its gradient then.
class Recorder final : public GradientReadyListener<double> {
 public:
  void gradient_ready(Parameter<double>& parameter) override {
    labels.push_back(parameter.label());
    grads.push_back(parameter.grad());
  }
  std::vector<std::string> labels;
  std::vector<Tensor<double>> grads;
};

Tensor<double> full_gradient(Tape<double>& tape, Parameter<double>& p, Var<double> loss) {
  p.zero_grad();
  tape.backward(loss);
  Tensor<double> g = p.grad();
  p.zero_grad();
  return g;
}

TEST(GradientReady, ReportsEachParameterOnceWithItsWholeGradientFirstLayerLast) {
  Parameter<double> w1(Tensor<double>{{0.5, -1.0}, {0.25, 2.0}}, "w1");
  Parameter<double> w2(Tensor<double>{{1.5, -0.5}}, "w2");
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>{{1.0, 2.0}, {-1.0, 0.5}});
  Var<double> h = tanh(linear(x, tape.watch(w1)));
  Var<double> loss = sum(square(linear(h, tape.watch(w2))));
  const Tensor<double> g1 = full_gradient(tape, w1, loss);
  const Tensor<double> g2 = full_gradient(tape, w2, loss);
  w1.zero_grad();
  w2.zero_grad();

  Recorder recorder;
  tape.backward(loss, {.gradient_ready = &recorder});
  ASSERT_EQ(recorder.labels, (std::vector<std::string>{"w2", "w1"}));
  EXPECT_EQ(recorder.grads[0], g2);
  EXPECT_EQ(recorder.grads[1], g1);
}

TEST(GradientReady, ParameterWatchedTwiceIsReportedOnceAfterBothUses) {
  // Weight tying: w feeds two layers, so its gradient has two contributions;
  // the report must come after the earlier leaf's, with the sum.
  Parameter<double> w(Tensor<double>{{0.5, -1.0}, {0.25, 2.0}}, "w");
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>{0.3, -0.7});
  Var<double> h = sin(matmul(tape.watch(w), x));
  Var<double> loss = sum(square(matmul(tape.watch(w), h)));
  const Tensor<double> whole = full_gradient(tape, w, loss);

  Recorder recorder;
  tape.backward(loss, {.gradient_ready = &recorder});
  ASSERT_EQ(recorder.labels, std::vector<std::string>{"w"});
  EXPECT_EQ(recorder.grads[0], whole);
}

TEST(GradientReady, LeavesUnreachedParametersAndOtherLeavesAlone) {
  Parameter<double> used(Tensor<double>{2.0}, "used");
  Parameter<double> unused(Tensor<double>{3.0}, "unused");
  Tape<double> tape;
  Var<double> a = tape.watch(used);
  Var<double> v = tape.variable(Tensor<double>{4.0}, "v");
  tape.watch(unused);  // recorded, but no path from the loss reaches it
  // The second watch of `used` is not reached either: the report comes at
  // the first, the only one a path reaches.
  Var<double> unreached_again = tape.watch(used);
  Var<double> loss = sum(a * v);
  (void)unreached_again;
  Recorder recorder;
  tape.backward(loss, {.gradient_ready = &recorder});
  EXPECT_EQ(recorder.labels, std::vector<std::string>{"used"});
  EXPECT_EQ(recorder.grads[0], (Tensor<double>{4.0}));
  EXPECT_EQ(tape.grad(v), (Tensor<double>{2.0}));
}

TEST(GradientReady, WorksWithASeedTraceAndAnomalyMode) {
  Parameter<double> w(Tensor<double>{1.0, -2.0}, "w");
  Tape<double> tape;
  tape.set_detect_anomaly(true);
  Var<double> y = exp(tape.watch(w));
  Recorder recorder;
  BackpropTrace trace;
  tape.backward(y, Tensor<double>{1.0, 0.5}, {.trace = &trace, .gradient_ready = &recorder});
  ASSERT_EQ(recorder.labels, std::vector<std::string>{"w"});
  EXPECT_DOUBLE_EQ(recorder.grads[0](0), std::exp(1.0));
  EXPECT_DOUBLE_EQ(recorder.grads[0](1), 0.5 * std::exp(-2.0));
  EXPECT_FALSE(trace.steps.empty());
}

TEST(GradientReady, NumericGradientDoesNotReport) {
  // gradient() leaves parameters untouched, so it has nothing to report (and
  // takes no BackwardOptions); only backward() does.
  Parameter<double> w(Tensor<double>{1.0}, "w");
  Tape<double> tape;
  Var<double> wv = tape.watch(w);
  Var<double> y = sum(square(wv));
  const std::vector<Var<double>> g = tape.gradient(y, {wv});
  EXPECT_EQ(g[0].value(), (Tensor<double>{2.0}));
  EXPECT_TRUE(w.grad_is_zero());
}

using testing::HalfStep;

struct DirectCase {
  Parameter<double> w{Tensor<double>{{0.5, -1.0, 0.2}, {0.25, 2.0, -0.3}}, "w"};
  Parameter<double> b{Tensor<double>{0.1, -0.1}, "b"};
  Parameter<double> m{Tensor<double>{{1.5, -0.5}}, "m"};  // read by matmul: no direct update
  Parameter<double> tied{Tensor<double>{{0.3, 0.1}, {-0.2, 0.4}}, "tied"};  // watched twice

  Var<double> loss(Tape<double>& tape) {
    Var<double> x = tape.constant(Tensor<double>{{1.0, 2.0, -0.5}, {-1.0, 0.5, 0.3}, {2, 1, 0}});
    Var<double> wv = tape.watch(w);  // (named, so w is watched before b)
    Var<double> bv = tape.watch(b);
    Var<double> h = tanh(linear(x, wv, bv));
    Var<double> t = linear(h, tape.watch(tied)) + linear(h, tape.watch(tied));
    return sum(square(matmul(t, transpose(tape.watch(m)))));
  }
  std::vector<Parameter<double>*> all() { return {&w, &b, &m, &tied}; }
};

TEST(GradientReady, ADirectUpdateIsWrittenByTheReaderAndNotReported) {
  DirectCase expected, direct;
  Tape<double> tape;
  tape.backward(expected.loss(tape));
  for (Parameter<double>* p : expected.all())
    p->value() += 0.5 * p->grad();
  tape.reset();
  HalfStep listener;
  tape.backward(direct.loss(tape), {.gradient_ready = &listener});
  // Reported: the parameters that could not be updated by their reader.
  EXPECT_EQ(listener.reported, (std::vector<std::string>{"m", "tied"}));
  const std::vector<Parameter<double>*> want = expected.all(), got = direct.all();
  for (std::size_t k = 0; k < want.size(); ++k) {
    for (std::size_t i = 0; i < want[k]->value().size(); ++i) {
      EXPECT_NEAR(got[k]->value().data()[i], want[k]->value().data()[i], 1e-15)
          << got[k]->label() << " element " << i;
    }
    EXPECT_TRUE(got[k]->grad_is_zero()) << got[k]->label();
  }
}

TEST(GradientReady, NoDirectUpdateWhenGradientsAreWatchedOrAlreadyHeld) {
  {  // anomaly mode checks every gradient, so each is computed and reported
    DirectCase c;
    Tape<double> tape;
    tape.set_detect_anomaly(true);
    HalfStep listener;
    tape.backward(c.loss(tape), {.gradient_ready = &listener});
    EXPECT_EQ(listener.reported, (std::vector<std::string>{"m", "tied", "b", "w"}));
  }
  {  // w already holds a gradient from an earlier backward: it must join the update
    DirectCase c;
    Tape<double> tape;
    tape.backward(c.loss(tape));
    c.b.zero_grad();
    c.m.zero_grad();
    c.tied.zero_grad();
    const Tensor<double> twice = 2.0 * c.w.grad();
    const Tensor<double> w0 = c.w.value();
    tape.reset();
    HalfStep listener;
    tape.backward(c.loss(tape), {.gradient_ready = &listener});
    EXPECT_EQ(listener.reported, (std::vector<std::string>{"m", "tied", "w"}));
    for (std::size_t i = 0; i < w0.size(); ++i)
      EXPECT_NEAR(c.w.value().data()[i], w0.data()[i] + 0.5 * twice.data()[i], 1e-15);
  }
}

TEST(GradientReady, AListenerOfAnotherDtypeIsRefusedBeforeTheSweep) {
  Parameter<float> w(Tensor<float>{1.0f}, "w");
  Tape<float> tape;
  Var<float> loss = sum(square(tape.watch(w)));
  Recorder recorder;  // a float64 listener
  try {
    tape.backward(loss, {.gradient_ready = &recorder});
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(std::string(e.what()),
              "tapegrad: backward: the gradient_ready listener takes float64 parameters but "
              "this tape records float32 [node 2]");
  }
  EXPECT_TRUE(w.grad_is_zero());  // nothing ran
  EXPECT_TRUE(recorder.labels.empty());
}

}  // namespace
}  // namespace tapegrad
