// The tape engine: leaves, the reverse sweep, seeds, reset(), no-grad scopes
// and released state.

#include <gtest/gtest.h>

#include <cmath>

#include <string>
#include <vector>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// y = x; counts how often its backprop is called.
template <class T>
class CountingIdentity final : public Operation<T> {
 public:
  explicit CountingIdentity(int* calls) : calls_(calls) {}

  std::string_view name() const override { return "counting_identity"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = x;
  }
  void backprop(BackpropContext<T>& ctx) const override {
    ++*calls_;
    if (ctx.needs_grad(0))
      ctx.accumulate(0, ctx.grad_output());
  }

 private:
  int* calls_;
};

/// y = x; saves a copy of x in forward (so release_saved has something to free).
class SavingIdentity final : public Operation<double> {
 public:
  std::string_view name() const override { return "saving_identity"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    const Tensor<double>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = x;
    xt::noalias(ctx.save(x.shape())) = x;
  }
  void backprop(BackpropContext<double>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, ctx.grad_output() + 0.0 * ctx.saved(0));
  }
};

void expect_tensor_eq(const Tensor<double>& got, const Tensor<double>& want) {
  ASSERT_EQ(got.shape(), want.shape());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_DOUBLE_EQ(got.data()[i], want.data()[i]) << "element " << i;
  }
}

// ---------------------------------------------------------------- leaves

TEST(TapeLeaves, ConstantNeedsNoGradientVariableDoes) {
  Tape<double> tape;
  Var<double> c = tape.constant(Tensor<double>{2.0, 3.0}, "c");
  Var<double> x = tape.variable(Tensor<double>{5.0, 7.0}, "x");

  EXPECT_FALSE(tape.node(c.id()).requires_grad);
  EXPECT_TRUE(tape.node(c.id()).is_leaf());
  EXPECT_TRUE(tape.node(x.id()).requires_grad);
  EXPECT_TRUE(tape.node(x.id()).is_leaf());
  EXPECT_EQ(tape.node(c.id()).label, "c");
  EXPECT_EQ(tape.node(x.id()).label, "x");

  Var<double> y = sum(c * x);
  EXPECT_TRUE(tape.node(y.id()).requires_grad);
  EXPECT_FALSE(tape.node(y.id()).is_leaf());
  tape.backward(y);

  EXPECT_TRUE(tape.has_grad(x));
  EXPECT_FALSE(tape.has_grad(c));
  expect_tensor_eq(x.grad(), Tensor<double>{2.0, 3.0});
  // A constant's gradient reads as zeros of its shape.
  expect_tensor_eq(c.grad(), Tensor<double>{0.0, 0.0});
}

TEST(TapeLeaves, OpOfConstantsOnlyDoesNotRequireGrad) {
  Tape<double> tape;
  Var<double> a = tape.constant(Tensor<double>{1.0, 2.0});
  Var<double> b = tape.constant(Tensor<double>{3.0, 4.0});
  Var<double> y = a * b;
  EXPECT_FALSE(tape.node(y.id()).requires_grad);
  expect_tensor_eq(y.value(), Tensor<double>{3.0, 8.0});
}

TEST(TapeLeaves, ANumberIsAFlatRankZeroLeaf) {
  Tape<double> tape;
  const Var<double> a = tape.variable(0.75, "a");
  const Var<double> two = tape.constant(2, "two");  // any arithmetic type
  EXPECT_TRUE(tape.node(a.id()).flat);
  EXPECT_TRUE(tape.node(a.id()).requires_grad);
  EXPECT_TRUE(tape.node(two.id()).flat);
  EXPECT_FALSE(tape.node(two.id()).requires_grad);
  EXPECT_EQ(tape.node(a.id()).label, "a");
  EXPECT_EQ(tape.node(two.id()).label, "two");
  EXPECT_EQ(a.value().dimension(), 0u);
  EXPECT_EQ(a.item(), 0.75);
  EXPECT_EQ(two.item(), 2.0);

  const Var<double> y = a * two + sin(a);
  tape.backward(y);
  EXPECT_EQ(a.grad()(), 2.0 + std::cos(0.75));
  EXPECT_FALSE(tape.has_grad(two));

  // The same leaves as rank-0 tensors give the same nodes, bit for bit.
  Tape<double> from_tensors;
  const Var<double> a2 = from_tensors.variable(Tensor<double>(0.75), "a");
  const Var<double> two2 = from_tensors.constant(Tensor<double>(2.0), "two");
  from_tensors.backward(a2 * two2 + sin(a2));
  EXPECT_EQ(a2.grad()(), a.grad()());
}

TEST(TapeLeaves, ANumberConvertsToTheTapesTypeAndABracedListStaysATensor) {
  Tape<float> tape;
  const Var<float> x = tape.variable(0.1, "x");  // a double, rounded to float
  EXPECT_EQ(x.item(), 0.1f);
  const Var<float> list = tape.variable({3.0f}, "list");
  ASSERT_EQ(list.value().shape(), Shape({1}));
  EXPECT_EQ(list.value()(0), 3.0f);
  {
    const NoGradScope<float> no_grad(tape);
    EXPECT_FALSE(tape.node(tape.variable(1.0).id()).requires_grad);
  }
}

TEST(TapeLeaves, AMovedInTensorIsNotCopiedAndTheCallerGetsTheSlotsEarlierBuffer) {
  Tape<double> tape;
  Tensor<double> batch{{1.0, 2.0}, {3.0, 4.0}};
  const double* first_buffer = batch.data();
  const Var<double> x = tape.constant(std::move(batch), "x");
  EXPECT_EQ(x.value().data(), first_buffer);  // taken, not copied
  EXPECT_EQ(batch.dimension(), 0u);           // the slot held nothing yet: a default tensor
  expect_tensor_eq(x.value(), Tensor<double>{{1.0, 2.0}, {3.0, 4.0}});

  // The next recording's first leaf is the same slot: moving in the refilled
  // tensor hands the first buffer back, so the loop ping-pongs two buffers.
  tape.reset();
  batch = Tensor<double>{{5.0, 6.0}, {7.0, 8.0}};
  const double* second_buffer = batch.data();
  const Var<double> y = tape.variable(std::move(batch), "y");
  EXPECT_EQ(y.value().data(), second_buffer);
  EXPECT_EQ(batch.data(), first_buffer);
  expect_tensor_eq(batch, Tensor<double>{{1.0, 2.0}, {3.0, 4.0}});  // what the slot held
  tape.backward(sum(y * y));
  expect_tensor_eq(y.grad(), Tensor<double>{{10.0, 12.0}, {14.0, 16.0}});

  // A copied-in tensor keeps its buffer; the slot copies into its own.
  tape.reset();
  const Var<double> z = tape.constant(batch, "z");
  EXPECT_NE(z.value().data(), batch.data());
  expect_tensor_eq(z.value(), batch);
}

// ---------------------------------------------------------------- sweep

TEST(TapeSweep, FanOutGradientsSum) {
  Tape<double> tape;
  const Tensor<double> x0{0.5, -1.5, 2.0};
  Var<double> x = tape.variable(x0, "x");
  // x is used three times: y = Σ (x + 2x + sin x).
  Var<double> y = sum(x + 2.0 * x + sin(x));
  tape.backward(y);
  Tensor<double> want = Tensor<double>::from_shape({3});
  for (std::size_t i = 0; i < 3; ++i)
    want(i) = 1.0 + 2.0 + std::cos(x0(i));
  expect_tensor_eq(x.grad(), want);
}

TEST(TapeSweep, FanOutThroughOneProduct) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, -2.0, 3.0});
  Var<double> y = sum(x * x * x);  // three uses of x: gradient 3x²
  tape.backward(y);
  expect_tensor_eq(x.grad(), Tensor<double>{3.0, 12.0, 27.0});
}

TEST(TapeSweep, SkipsNodesNotConnectedToTheOutput) {
  Tape<double> tape;
  int on_path = 0;
  int side = 0;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> a = tape.apply<CountingIdentity<double>>({x}, &on_path);
  // A side branch recorded after the path, and even after the output.
  Var<double> branch = tape.apply<CountingIdentity<double>>({x}, &side);
  Var<double> y = sum(a * a);
  Var<double> late = tape.apply<CountingIdentity<double>>({branch}, &side);
  (void)late;

  tape.backward(y);
  EXPECT_EQ(on_path, 1);
  EXPECT_EQ(side, 0);
  EXPECT_FALSE(tape.has_grad(branch));
  expect_tensor_eq(x.grad(), Tensor<double>{2.0, 4.0});
}

TEST(TapeSweep, GradientOfUnreachedNodeIsZerosOfItsShape) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> w = tape.variable(testing::random_tensor({2, 3}, 7), "w");
  Var<double> unused = exp(w);
  Var<double> y = sum(square(x));
  tape.backward(y);

  EXPECT_FALSE(tape.has_grad(w));
  EXPECT_FALSE(tape.has_grad(unused));
  const Tensor<double>& gw = w.grad();
  ASSERT_EQ(gw.shape(), (Shape{2, 3}));
  for (double v : gw)
    EXPECT_EQ(v, 0.0);
  const Tensor<double>& gu = tape.grad(unused);
  ASSERT_EQ(gu.shape(), (Shape{2, 3}));
  for (double v : gu)
    EXPECT_EQ(v, 0.0);
}

TEST(TapeSweep, GradientOfTheOutputItselfIsTheSeed) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> y = sum(x);
  tape.backward(y);
  EXPECT_EQ(y.grad().shape(), Shape{});
  EXPECT_DOUBLE_EQ(y.grad()(), 1.0);
}

TEST(TapeSweep, BackwardOnAScalarVariableItself) {
  Tape<double> tape;
  Tensor<double> v = Tensor<double>::from_shape({});
  v() = 3.0;
  Var<double> x = tape.variable(v);
  tape.backward(x);
  EXPECT_DOUBLE_EQ(x.grad()(), 1.0);
}

// ---------------------------------------------------------------- seeds

TEST(TapeSeed, NonScalarWithoutSeedThrowsGradientError) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0, 3.0});
  Var<double> y = square(x).label("y");
  try {
    tape.backward(y);
    FAIL() << "expected GradientError";
  } catch (const GradientError& e) {
    EXPECT_NE(std::string(e.what()).find("seed"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(3,)"), std::string::npos) << e.what();
    EXPECT_EQ(e.op(), "backward");
    EXPECT_EQ(e.node(), y.id());
    EXPECT_EQ(e.label(), "y");
  }
  EXPECT_FALSE(tape.has_grad(x));
}

TEST(TapeSeed, SeededBackwardIsAVectorJacobianProduct) {
  Tape<double> tape;
  // W (2,3) constant, x (3,) variable: y = W x, so ∂(sᵀy)/∂x = Wᵀ s and
  // ∂(sᵀy)/∂W would be s xᵀ (W is a variable here too).
  Var<double> w = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, "W");
  Var<double> x = tape.variable(Tensor<double>{1.0, -1.0, 2.0}, "x");
  Var<double> y = matmul(w, x);
  expect_tensor_eq(y.value(), Tensor<double>{5.0, 11.0});

  const Tensor<double> seed{10.0, -1.0};
  tape.backward(y, seed);
  expect_tensor_eq(x.grad(), Tensor<double>{10.0 - 4.0, 20.0 - 5.0, 30.0 - 6.0});
  expect_tensor_eq(w.grad(), Tensor<double>{{10.0, -10.0, 20.0}, {-1.0, 1.0, -2.0}});
}

TEST(TapeSeed, ElementwiseSeedScalesEachGradient) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0, 3.0});
  Var<double> y = x * x;
  tape.backward(y, Tensor<double>{1.0, 10.0, 100.0});
  expect_tensor_eq(x.grad(), Tensor<double>{2.0, 40.0, 600.0});
}

TEST(TapeSeed, SeedOfWrongShapeThrowsGradientError) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0, 3.0});
  Var<double> y = x * x;
  try {
    tape.backward(y, Tensor<double>{1.0, 2.0});
    FAIL() << "expected GradientError";
  } catch (const GradientError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("seed of shape (2,)"), std::string::npos) << what;
    EXPECT_NE(what.find("(3,)"), std::string::npos) << what;
    EXPECT_EQ(e.node(), y.id());
  }
  // A (1,3) seed has the right size but not the right shape.
  EXPECT_THROW(tape.backward(y, Tensor<double>{{1.0, 2.0, 3.0}}), GradientError);
}

TEST(TapeSeed, OutputWithoutVariablesThrowsGradientError) {
  Tape<double> tape;
  Var<double> c = tape.constant(Tensor<double>{1.0, 2.0});
  Var<double> y = sum(c * c);
  try {
    tape.backward(y);
    FAIL() << "expected GradientError";
  } catch (const GradientError& e) {
    EXPECT_NE(std::string(e.what()).find("does not depend on any variable"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.op(), "backward");
    EXPECT_EQ(e.node(), y.id());
  }
}

// ---------------------------------------------------------------- size, reset

TEST(TapeReset, SizeCountsNodes) {
  Tape<double> tape;
  EXPECT_EQ(tape.size(), 0u);
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  EXPECT_EQ(tape.size(), 1u);
  Var<double> y = sum(sin(x) * x);  // sin, mul, sum
  EXPECT_EQ(tape.size(), 4u);
  EXPECT_EQ(y.id(), 3u);
  (void)(x + 1.0);  // shift: one node
  EXPECT_EQ(tape.size(), 5u);
  (void)(x / 4.0);  // a scalar constant and a div: two nodes
  EXPECT_EQ(tape.size(), 7u);
  tape.reset();
  EXPECT_EQ(tape.size(), 0u);
}

TEST(TapeReset, ReRecordingReusesNodeBuffersAndGivesTheSameValues) {
  Tape<double> tape;
  const Tensor<double> x0 = testing::random_tensor({4, 3}, 11);
  const Tensor<double> w0 = testing::random_tensor({2, 3}, 12);

  std::vector<Tensor<double>> first_values;
  std::vector<const double*> first_buffers;
  Tensor<double> first_grad;
  {
    Var<double> x = tape.variable(x0);
    Var<double> w = tape.variable(w0);
    Var<double> y = sum(tanh(matmul(x, transpose(w))));
    tape.backward(y);
    first_grad = w.grad();
    for (NodeId id = 0; id < tape.size(); ++id) {
      first_values.push_back(tape.node(id).value());
      first_buffers.push_back(tape.node(id).value().data());
    }
  }
  const std::size_t first_size = tape.size();

  tape.reset();
  EXPECT_EQ(tape.size(), 0u);

  Var<double> x = tape.variable(x0);
  Var<double> w = tape.variable(w0);
  Var<double> y = sum(tanh(matmul(x, transpose(w))));
  tape.backward(y);

  ASSERT_EQ(tape.size(), first_size);
  for (NodeId id = 0; id < tape.size(); ++id) {
    expect_tensor_eq(tape.node(id).value(), first_values[id]);
    EXPECT_EQ(tape.node(id).value().data(), first_buffers[id]) << "node " << id;
  }
  expect_tensor_eq(w.grad(), first_grad);
}

TEST(TapeReset, GradientBuffersAreReusedAcrossReset) {
  Tape<double> tape;
  const Tensor<double> x0 = testing::random_tensor({5}, 3);
  Var<double> x = tape.variable(x0);
  tape.backward(sum(exp(x)));
  const double* grad_buffer = x.grad().data();
  tape.reset();
  x = tape.variable(x0);
  tape.backward(sum(exp(x)));
  EXPECT_EQ(x.grad().data(), grad_buffer);
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_DOUBLE_EQ(x.grad()(i), std::exp(x0(i)));
}

/// y = 2x; counts its constructions and destructions.
class CountedOp final : public Operation<double> {
 public:
  explicit CountedOp(int* alive) : alive_(alive) { ++*alive_; }
  ~CountedOp() override { --*alive_; }
  CountedOp(const CountedOp&) = delete;
  CountedOp& operator=(const CountedOp&) = delete;

  std::string_view name() const override { return "counted"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    const Tensor<double>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = 2.0 * x;
  }
  void backprop(BackpropContext<double>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, 2.0 * ctx.grad_output());
  }

 private:
  int* alive_;
};

TEST(TapeReset, OpsOwnedByTheTapeLiveUntilReset) {
  int alive = 0;
  {
    Tape<double> tape;
    for (int step = 0; step < 3; ++step) {
      Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
      Var<double> y = x;
      for (int k = 0; k < 100; ++k)
        y = tape.apply<CountedOp>({y}, &alive);
      EXPECT_EQ(alive, 100);
      Var<double> z = tape.apply<CountedOp>({x}, &alive);
      EXPECT_EQ(alive, 101);
      EXPECT_DOUBLE_EQ(z.value()(1), 4.0);
      tape.backward(sum(tape.apply<CountedOp>({x}, &alive)));
      expect_tensor_eq(x.grad(), Tensor<double>{2.0, 2.0});
      tape.reset();
      EXPECT_EQ(alive, 0) << "step " << step;
    }
    (void)tape.apply<CountedOp>({tape.variable(Tensor<double>{1.0})}, &alive);
    EXPECT_EQ(alive, 1);
  }
  EXPECT_EQ(alive, 0);  // the tape's destructor destroys what it still owns
}

// ---------------------------------------------------------------- no-grad scope

TEST(TapeNoGrad, NodesInsideTheScopeDoNotRequireGrad) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> v;
  Var<double> y;
  {
    NoGradScope<double> scope(tape);
    EXPECT_FALSE(tape.grad_enabled());
    v = tape.variable(Tensor<double>{3.0, 4.0});
    y = sum(x * x);
  }
  EXPECT_TRUE(tape.grad_enabled());
  EXPECT_FALSE(tape.node(v.id()).requires_grad);
  EXPECT_FALSE(tape.node(y.id()).requires_grad);
  EXPECT_DOUBLE_EQ(y.item(), 5.0);
  EXPECT_THROW(tape.backward(y), GradientError);
  EXPECT_FALSE(tape.has_grad(x));
}

TEST(TapeNoGrad, ANoGradNodeActsAsAConstantInALaterGraph) {
  Tape<double> tape;
  const Tensor<double> x0{0.5, -1.0};
  Var<double> x = tape.variable(x0);
  Var<double> z;
  {
    NoGradScope<double> scope(tape);
    z = exp(x);
  }
  Var<double> y = sum(z * x);  // d/dx with z held constant is z
  tape.backward(y);
  EXPECT_FALSE(tape.has_grad(z));
  for (std::size_t i = 0; i < 2; ++i)
    EXPECT_DOUBLE_EQ(x.grad()(i), std::exp(x0(i)));
}

TEST(TapeNoGrad, NestedScopesRestoreTheirPreviousState) {
  Tape<double> tape;
  ASSERT_TRUE(tape.grad_enabled());
  {
    NoGradScope<double> outer(tape);
    EXPECT_FALSE(tape.grad_enabled());
    {
      NoGradScope<double> inner(tape);
      EXPECT_FALSE(tape.grad_enabled());
    }
    EXPECT_FALSE(tape.grad_enabled());  // still inside the outer scope
  }
  EXPECT_TRUE(tape.grad_enabled());

  tape.set_grad_enabled(false);
  {
    NoGradScope<double> scope(tape);
    EXPECT_FALSE(tape.grad_enabled());
  }
  EXPECT_FALSE(tape.grad_enabled());  // restored to what it was, not to true
  tape.set_grad_enabled(true);
}

// ---------------------------------------------------------------- repeated backward

TEST(TapeRepeatedBackward, SecondBackwardGivesFreshGradients) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0, 3.0});
  Var<double> h = x * x;
  Var<double> y = sum(h + h);  // fan-out at h too
  tape.backward(y);
  expect_tensor_eq(x.grad(), Tensor<double>{4.0, 8.0, 12.0});
  tape.backward(y);
  expect_tensor_eq(x.grad(), Tensor<double>{4.0, 8.0, 12.0});
  expect_tensor_eq(h.grad(), Tensor<double>{2.0, 2.0, 2.0});
}

TEST(TapeRepeatedBackward, GradientFromAnEarlierOutputDoesNotLinger) {
  Tape<double> tape;
  Var<double> a = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> b = tape.variable(Tensor<double>{3.0, 4.0});
  Var<double> ya = sum(a * a);
  Var<double> yb = sum(b * 3.0);
  tape.backward(ya);
  expect_tensor_eq(a.grad(), Tensor<double>{2.0, 4.0});
  tape.backward(yb);
  EXPECT_FALSE(tape.has_grad(a));
  expect_tensor_eq(a.grad(), Tensor<double>{0.0, 0.0});
  expect_tensor_eq(b.grad(), Tensor<double>{3.0, 3.0});
}

TEST(TapeReleaseSaved, SecondBackwardThroughReleasedStateThrows) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> s = tape.apply<SavingIdentity>({x}).label("kept");
  Var<double> y = sum(s * s);
  tape.backward(y, BackwardOptions{.release_saved = true});
  expect_tensor_eq(x.grad(), Tensor<double>{2.0, 4.0});
  EXPECT_TRUE(tape.node(s.id()).data->saved.empty());

  try {
    tape.backward(y);
    FAIL() << "expected StateReleasedError";
  } catch (const StateReleasedError& e) {
    // The sweep meets the output (op "sum") first.
    const std::string what = e.what();
    EXPECT_EQ(e.op(), "sum");
    EXPECT_EQ(e.node(), y.id());
    EXPECT_NE(what.find("sum"), std::string::npos) << what;
    EXPECT_NE(what.find("[node " + std::to_string(y.id()) + "]"), std::string::npos) << what;
    EXPECT_NE(what.find("release_saved"), std::string::npos) << what;
  }
}

TEST(TapeReleaseSaved, ErrorNamesTheLabelledReleasedNode) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> s = tape.apply<SavingIdentity>({x}).label("kept");
  Var<double> y1 = sum(s);
  tape.backward(y1, BackwardOptions{.release_saved = true});
  // A new output through the released node: sum2 is fresh, s is released.
  Var<double> y2 = sum(s * 2.0);
  try {
    tape.backward(y2);
    FAIL() << "expected StateReleasedError";
  } catch (const StateReleasedError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.op(), "saving_identity");
    EXPECT_EQ(e.node(), s.id());
    EXPECT_EQ(e.label(), "kept");
    EXPECT_NE(what.find("saving_identity"), std::string::npos) << what;
    EXPECT_NE(what.find("[node " + std::to_string(s.id()) + " 'kept']"), std::string::npos) << what;
  }
}

TEST(TapeReleaseSaved, ReRecordingAfterResetWorksAgain) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> y = sum(tape.apply<SavingIdentity>({x}));
  tape.backward(y, BackwardOptions{.release_saved = true});
  tape.reset();
  x = tape.variable(Tensor<double>{1.0, 2.0});
  y = sum(tape.apply<SavingIdentity>({x}) * 3.0);
  tape.backward(y);
  expect_tensor_eq(x.grad(), Tensor<double>{3.0, 3.0});
}

TEST(TapeStorage, ValueAndGradReferencesSurviveMoreRecording) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0}, "x");
  Var<double> e = exp(x);
  const Tensor<double>& value = e.value();
  const double* data = value.data();
  Var<double> y = e;
  for (int i = 0; i < 2000; ++i)
    y = y * 1.0;  // several chunks of nodes
  EXPECT_EQ(value.data(), data);
  ASSERT_EQ(value.shape(), (Shape{2}));
  EXPECT_DOUBLE_EQ(value(1), std::exp(2.0));
  tape.backward(sum(y));
  const Tensor<double>& grad = x.grad();
  (void)sum(y * 3.0);
  EXPECT_DOUBLE_EQ(grad(0), std::exp(1.0));
  EXPECT_DOUBLE_EQ(grad(1), std::exp(2.0));
}

TEST(TapeReleaseSaved, OptionsSpelledAsADesignatedInitialiser) {
  // The README's spelling must compile: not mistaken for a seed tensor.
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{2.0});
  Var<double> y = sum(exp(x));
  tape.backward(y, {.release_saved = true});
  EXPECT_DOUBLE_EQ(x.grad()(0), std::exp(2.0));
  EXPECT_THROW(tape.backward(y), StateReleasedError);
}

}  // namespace
}  // namespace tapegrad
