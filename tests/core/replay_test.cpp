// Tape::replay: training by replaying one recording equals training by
// recording every step, bit for bit (the lecture net, an MLP on changing
// batches, an RNN over new sequences, a flat scalar chain), and every refusal
// and failure names what went wrong. tests/reliability adds random graphs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "lecture/network.hpp"
#include "support/expect_error.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::expect_contains;
using testing::expect_error;

/// Equal element for element as numbers: +0 and −0 count as equal, since
/// xtensor's vector and scalar loops may give either, depending on where a
/// buffer starts.
void expect_exactly_equal(const Tensor<double>& got, const Tensor<double>& want,
                          const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got.data()[i], want.data()[i]) << what << ", element " << i;
}

Tensor<double> filled(const Shape& shape, double first, double step) {
  Tensor<double> t = Tensor<double>::from_shape(shape);
  double v = first;
  for (double& e : t) {
    e = std::sin(v);
    v += step;
  }
  return t;
}

TEST(Replay, LectureTrainingByReplayEqualsTrainingByRecording) {
  lecture::Network recorded_net;
  lecture::Network replayed_net;
  Tape<double> replayed;
  const Var<double> loss = replayed_net.forward(replayed).loss;
  for (int step = 0; step < 5; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    Tape<double> fresh;
    const Var<double> fresh_loss = recorded_net.forward(fresh).loss;
    if (step > 0)
      replayed.replay({});  // the parameters changed in place
    expect_exactly_equal(loss.value(), fresh_loss.value(), "loss");
    fresh.backward(fresh_loss);
    replayed.backward(loss);
    for (std::size_t p = 0; p < 4; ++p) {
      expect_exactly_equal(replayed_net.parameters()[p]->grad(),
                           recorded_net.parameters()[p]->grad(),
                           "gradient of " + replayed_net.parameters()[p]->label());
    }
    recorded_net.step(0.5);
    replayed_net.step(0.5);
  }
  for (std::size_t p = 0; p < 4; ++p) {
    expect_exactly_equal(replayed_net.parameters()[p]->value(),
                         recorded_net.parameters()[p]->value(),
                         replayed_net.parameters()[p]->label());
  }
}

/// 6-5-3, tanh then cross-entropy on class labels, batch 4.
struct Mlp {
  Parameter<double> w1{filled({5, 6}, 0.1, 0.37), "W1"};
  Parameter<double> b1{filled({5}, 0.2, 0.11), "b1"};
  Parameter<double> w2{filled({3, 5}, 0.3, 0.53), "W2"};
  Parameter<double> b2{filled({3}, 0.4, 0.29), "b2"};

  struct Pass {
    Var<double> x, labels, loss;
  };
  Pass record(Tape<double>& tape, const Tensor<double>& x, const Tensor<double>& labels) {
    Pass p;
    p.x = tape.constant(x, "x");
    p.labels = tape.constant(labels, "labels");
    const Var<double> h = tanh(linear(p.x, tape.watch(w1), tape.watch(b1)));
    p.loss = cross_entropy(linear(h, tape.watch(w2), tape.watch(b2)), p.labels);
    return p;
  }
  std::vector<Parameter<double>*> parameters() { return {&w1, &b1, &w2, &b2}; }
  void step(double alpha) {
    for (Parameter<double>* p : parameters()) {
      p->value() -= alpha * p->grad();
      p->zero_grad();
    }
  }
};

TEST(Replay, MlpOnNewBatchesEqualsRecordingEachBatch) {
  Mlp recorded_net;
  Mlp replayed_net;
  const auto batch = [](int step) { return filled({4, 6}, 0.7 * step, 0.9); };
  const auto labels = [](int step) {
    Tensor<double> l = Tensor<double>::from_shape({4});
    for (std::size_t i = 0; i < 4; ++i)
      l(i) = static_cast<double>((i + static_cast<std::size_t>(step)) % 3);
    return l;
  };
  Tape<double> replayed;
  const Mlp::Pass pass = replayed_net.record(replayed, batch(0), labels(0));
  for (int step = 0; step < 4; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    if (step > 0)
      replayed.replay({{pass.x, batch(step)}, {pass.labels, labels(step)}});
    Tape<double> fresh;
    const Var<double> fresh_loss = recorded_net.record(fresh, batch(step), labels(step)).loss;
    expect_exactly_equal(pass.loss.value(), fresh_loss.value(), "loss");
    replayed.backward(pass.loss);
    fresh.backward(fresh_loss);
    for (std::size_t p = 0; p < 4; ++p) {
      expect_exactly_equal(replayed_net.parameters()[p]->grad(),
                           recorded_net.parameters()[p]->grad(),
                           "gradient of " + replayed_net.parameters()[p]->label());
    }
    recorded_net.step(0.1);
    replayed_net.step(0.1);
  }
}

/// h ← tanh(W h + U x_t) over 6 steps from h = 0; loss ½‖h‖².
struct Rnn {
  Tensor<double> w = filled({4, 4}, 0.5, 0.41) * 0.5;
  Tensor<double> u = filled({4, 3}, 0.6, 0.23);

  struct Pass {
    Var<double> w, u, loss;
    std::vector<Var<double>> inputs;
  };
  Pass record(Tape<double>& tape, const std::vector<Tensor<double>>& xs) {
    Pass p;
    p.w = tape.variable(w, "W");
    p.u = tape.variable(u, "U");
    Var<double> h = tape.constant(Tensor<double>(Shape{4}, 0.0), "h0");
    for (const Tensor<double>& x : xs) {
      p.inputs.push_back(tape.constant(x, "x"));
      h = tanh(matmul(p.w, h) + matmul(p.u, p.inputs.back()));
    }
    p.loss = mse(h, tape.constant(Tensor<double>(Shape{4}, 0.0), "zero"));
    return p;
  }
};

TEST(Replay, RnnOverANewSequenceEqualsARecordingOfIt) {
  Rnn rnn;
  std::vector<Tensor<double>> first, second;
  for (int t = 0; t < 6; ++t) {
    first.push_back(filled({3}, 0.3 * t, 1.1));
    second.push_back(filled({3}, 2.0 + 0.5 * t, 0.7));
  }
  Tape<double> replayed;
  const Rnn::Pass pass = rnn.record(replayed, first);
  replayed.backward(pass.loss);
  std::vector<LeafValue<double>> values;
  for (std::size_t t = 0; t < second.size(); ++t)
    values.push_back({pass.inputs[t], second[t]});
  replayed.replay(values);
  EXPECT_FALSE(replayed.has_grad(pass.w)) << "the last backward's gradients are forgotten";
  replayed.backward(pass.loss);

  Tape<double> fresh;
  const Rnn::Pass want = rnn.record(fresh, second);
  fresh.backward(want.loss);
  expect_exactly_equal(pass.loss.value(), want.loss.value(), "loss");
  expect_exactly_equal(pass.w.grad(), want.w.grad(), "∂L/∂W");
  expect_exactly_equal(pass.u.grad(), want.u.grad(), "∂L/∂U");
}

TEST(Replay, AFlatScalarChainEqualsARecordingAtTheNewValues) {
  const auto record = [](Tape<double>& tape, double y0, double a0) {
    const Var<double> a = tape.variable(Tensor<double>(a0), "a");
    Var<double> y = tape.variable(Tensor<double>(y0), "y0");
    const Var<double> start = y;
    for (int i = 0; i < 50; ++i)
      y = y * a + sin(y);
    return std::vector<Var<double>>{start, a, y};
  };
  Tape<double> replayed;
  const std::vector<Var<double>> vars = record(replayed, 0.3, 0.9);
  replayed.replay({{vars[0], Tensor<double>(0.45)}, {vars[1], Tensor<double>(0.85)}});
  replayed.backward(vars[2]);
  Tape<double> fresh;
  const std::vector<Var<double>> want = record(fresh, 0.45, 0.85);
  fresh.backward(want[2]);
  expect_exactly_equal(vars[2].value(), want[2].value(), "y");
  expect_exactly_equal(vars[0].grad(), want[0].grad(), "∂y/∂y0");
  expect_exactly_equal(vars[1].grad(), want[1].grad(), "∂y/∂a");
}

TEST(Replay, AValueOfAnotherShapeNamesTheLeafAndBothShapes) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, 2.0}, "x");
  const Var<double> y = sum(x * x);
  const std::string message = expect_error<ShapeError>([&] {
    tape.replay({{x, Tensor<double>{1.0, 2.0, 3.0}}});
  });
  expect_contains(message,
                  "replay: replay was given a value of shape (3,) for node 0 ('x') of "
                  "shape (2,)");
  EXPECT_EQ(y.item(), 5.0) << "a refused replay changes nothing";
}

TEST(Replay, AValueForAnOpOutputNamesTheOp) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, 2.0}, "x");
  const Var<double> y = exp(x);
  expect_contains(expect_error<ValueError>([&] {
                    tape.replay({{y, Tensor<double>{0.0, 0.0}}});
                  }),
                  "node 1, the output of op 'exp'; give values to leaves");
}

TEST(Replay, AValueForAWatchedParameterIsRefused) {
  Parameter<double> w(Tensor<double>{1.0, 2.0}, "w");
  Tape<double> tape;
  const Var<double> wv = tape.watch(w);
  (void)sum(wv);
  expect_contains(expect_error<ValueError>([&] {
                    tape.replay({{wv, Tensor<double>{0.0, 0.0}}});
                  }),
                  "node 0 ('w'), a watched parameter; replay reads every parameter's current "
                  "value, so update the Parameter itself");
}

TEST(Replay, TwoValuesForOneLeafAreRefused) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0}, "x");
  (void)exp(x);
  expect_contains(expect_error<ValueError>([&] {
                    tape.replay({{x, Tensor<double>{2.0}}, {x, Tensor<double>{3.0}}});
                  }),
                  "replay was given two values for node 0 ('x')");
}

// More values than the replay keeps ids for on its stack (16).
TEST(Replay, ManyLeavesEqualARecordingAndATwiceGivenOneAmongThemIsRefused) {
  const auto record = [](Tape<double>& tape, double first) {
    std::vector<Var<double>> leaves;
    Var<double> y = tape.constant(0.0);
    for (int i = 0; i < 20; ++i) {
      leaves.push_back(tape.variable(first + 0.1 * i, "x" + std::to_string(i)));
      y = y + sin(leaves.back()) * leaves.back();
    }
    leaves.push_back(y);
    return leaves;
  };
  Tape<double> replayed;
  const std::vector<Var<double>> vars = record(replayed, 0.3);
  std::vector<LeafValue<double>> values;
  for (int i = 0; i < 20; ++i)
    values.push_back({vars[static_cast<std::size_t>(i)], Tensor<double>(-0.7 + 0.1 * i)});
  replayed.replay(values);
  replayed.backward(vars.back());
  Tape<double> fresh;
  const std::vector<Var<double>> want = record(fresh, -0.7);
  fresh.backward(want.back());
  expect_exactly_equal(vars.back().value(), want.back().value(), "y");
  for (std::size_t i = 0; i < 20; ++i)
    expect_exactly_equal(vars[i].grad(), want[i].grad(), "∂y/∂x" + std::to_string(i));

  values.push_back({vars[13], Tensor<double>(1.0)});
  expect_contains(expect_error<ValueError>([&] { replayed.replay(values); }),
                  "replay was given two values for node 53 ('x13')");
}

TEST(Replay, AVarOfAnotherTapeIsRefused) {
  Tape<double> tape, other;
  (void)exp(tape.variable(Tensor<double>{1.0}));
  const Var<double> stranger = other.variable(Tensor<double>{1.0});
  EXPECT_THROW(tape.replay({{stranger, Tensor<double>{2.0}}}), TapeMismatchError);
}

TEST(Replay, ATapeHoldingAGradientIsRefusedNamingTheLeaf) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, 2.0}, "x");
  const Var<double> y = sum(x * x);
  (void)tape.gradient(y, {x});
  expect_contains(
      expect_error<ReplayError>([&] { tape.replay({}); }),
      "replay: the tape holds node 3, a leaf that gradient() or jvp() computed from the "
      "recorded values; replay cannot recompute it");
  tape.reset();  // a new recording may be replayed again
  const Var<double> x2 = tape.variable(Tensor<double>{1.0, 2.0}, "x");
  const Var<double> y2 = sum(x2 * x2);
  tape.replay({{x2, Tensor<double>{3.0, 4.0}}});
  EXPECT_EQ(y2.item(), 25.0);
}

TEST(Replay, AnOpFailingOnTheNewValuesBlocksBackwardUntilAGoodReplay) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}}, "x");
  const Var<double> index = tape.constant(Tensor<double>(Shape{1, 1}, 2.0), "index");
  const Var<double> y = sum(gather(x, 1, index));
  expect_contains(expect_error<ValueError>([&] {
                    tape.replay({{index, Tensor<double>(Shape{1, 1}, 3.0)}});
                  }),
                  "gather: index 3 at flat position 0 is not a whole number in [0, 3)");
  expect_contains(expect_error<ReplayError>([&] { tape.backward(y); }),
                  "backward: the last replay failed at node 2 (op 'gather')");
  EXPECT_THROW((void)tape.gradient(y, {x}), ReplayError);
  EXPECT_THROW((void)tape.jvp({y}, {{x, Tensor<double>{{1.0, 0.0, 0.0}}}}), ReplayError);
  tape.replay({{index, Tensor<double>(Shape{1, 1}, 0.0)}});
  tape.backward(y);
  EXPECT_EQ(y.item(), 1.0);
  expect_exactly_equal(x.grad(), Tensor<double>{{1.0, 0.0, 0.0}}, "∂y/∂x");
}

/// y = (x₀ copies of 1): a shape that depends on a value.
class OnesOfLength final : public Operation<double> {
 public:
  std::string_view name() const override { return "ones_of_length"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    const auto n = static_cast<std::size_t>(ctx.input(0).data()[0]);
    ctx.output(Shape{n}).fill(1.0);
  }
  void backprop(BackpropContext<double>&) const override {}
};

TEST(Replay, AnOutputChangingShapeIsNamed) {
  static const OnesOfLength op;
  Tape<double> tape;
  const Var<double> n = tape.constant(Tensor<double>{2.0}, "n");
  const Var<double> x = tape.variable(Tensor<double>{1.0}, "x");
  const Var<double> ones = tape.record(op, {n});
  (void)sum(ones * x);
  expect_contains(expect_error<ReplayError>([&] {
                    tape.replay({{n, Tensor<double>{3.0}}});
                  }),
                  "op 'ones_of_length' gave node 2 shape (3,) on replay, where the recording had "
                  "(2,): its shape depends on values");
}

TEST(Replay, AnomalyModeChecksTheReplayedValues) {
  Tape<double> tape;
  tape.set_detect_anomaly(true);
  const Var<double> x = tape.variable(Tensor<double>{1.0, 2.0}, "x");
  (void)log(x).label("log x");
  expect_contains(expect_error<AnomalyError>([&] {
                    tape.replay({{x, Tensor<double>{-1.0, 2.0}}});
                  }),
                  "log: forward produced");
}

}  // namespace
}  // namespace tapegrad
