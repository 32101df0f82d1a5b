// What the tape does when an op breaks its contract (operation.hpp): a
// forward that throws something that is not a std::exception, a backprop
// that throws, a wrongly shaped full gradient, a GradSlot index past the end.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// y = x; forward throws `throw 42;` when told to.
class ThrowsIntOp final : public Operation<double> {
 public:
  std::string_view name() const override { return "throws_int"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    ctx.save(Shape{3});  // state written before the throw must not survive it
    throw 42;
  }
  void backprop(BackpropContext<double>&) const override {}
};

TEST(OpMisuse, AForwardThrowingANonStdExceptionLeavesTheTapeAsItWas) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0}, "x");
  Var<double> y = exp(x);
  int thrown = 0;
  try {
    tape.apply<ThrowsIntOp>({y});
  } catch (int value) {
    thrown = value;
  }
  EXPECT_EQ(thrown, 42);  // passed on as it is
  ASSERT_EQ(tape.size(), 2u);
  const TapeStats stats = tape.stats();  // no node points at the freed op
  EXPECT_EQ(stats.nodes, 2u);
  Var<double> z = sum(y * x);  // records at the rolled-back position
  EXPECT_EQ(z.id(), 3u);
  tape.backward(z);
  EXPECT_DOUBLE_EQ(x.grad()(0), std::exp(1.0) * 2.0);
}

/// y = 2x; backprop throws a std::runtime_error while armed.
class ThrowsInBackpropOp final : public Operation<double> {
 public:
  explicit ThrowsInBackpropOp(const bool& armed) : armed_(armed) {}
  std::string_view name() const override { return "throws_in_backprop"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    xt::noalias(ctx.output(ctx.input(0).shape())) = 2.0 * ctx.input(0);
  }
  void backprop(BackpropContext<double>& ctx) const override {
    if (armed_)
      throw std::runtime_error("the kernel ran out of patience");
    ctx.accumulate(0, 2.0 * ctx.grad_output());
  }

 private:
  const bool& armed_;
};

TEST(OpMisuse, ABackpropExceptionIsWrappedNamingTheOpAndNodeAndTheTapeStaysUsable) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, -3.0}, "x");
  bool armed = true;
  Var<double> y = tape.apply<ThrowsInBackpropOp>({x}, armed).label("doubled");
  Var<double> loss = sum(y * y);
  try {
    tape.backward(loss);
    FAIL() << "backward did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.op(), "throws_in_backprop");
    EXPECT_EQ(e.node(), y.id());
    EXPECT_EQ(e.label(), "doubled");
    EXPECT_EQ(e.detail(), "backprop failed: the kernel ran out of patience");
  }
  armed = false;
  tape.backward(loss);  // d/dx Σ(2x)² = 8x
  EXPECT_DOUBLE_EQ(x.grad()(0), 8.0);
  EXPECT_DOUBLE_EQ(x.grad()(1), -24.0);
}

/// y = x (3,), whose backprop passes a (7, 3) "full" gradient.
class WrongFullGradientOp final : public Operation<double> {
 public:
  std::string_view name() const override { return "wrong_full_gradient"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    xt::noalias(ctx.output(ctx.input(0).shape())) = ctx.input(0);
  }
  void backprop(BackpropContext<double>& ctx) const override {
    ctx.accumulate_reduced(0, Tensor<double>(Shape{7, 3}, 1.0));
  }
};

TEST(OpMisuse, AccumulateReducedRefusesAFullGradientOfAnotherShapeThanTheOutput) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0, 3.0}, "x");
  Var<double> y = tape.apply<WrongFullGradientOp>({x});
  try {
    tape.backward(sum(y));
    FAIL() << "backward did not throw";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.op(), "wrong_full_gradient");
    EXPECT_EQ(e.node(), y.id());
    EXPECT_NE(e.detail().find("full gradient of shape (7, 3)"), std::string::npos) << e.what();
    EXPECT_NE(e.detail().find("the output's shape (3,)"), std::string::npos) << e.what();
  }
}

#ifndef NDEBUG
/// y = x (2,), whose backprop writes element 5 of its input's gradient.
class PastTheEndOp final : public Operation<double> {
 public:
  std::string_view name() const override { return "past_the_end"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    xt::noalias(ctx.output(ctx.input(0).shape())) = ctx.input(0);
  }
  void backprop(BackpropContext<double>& ctx) const override { ctx.gradient(0).add(5, 1.0); }
};

TEST(OpMisuseDeathTest, AGradSlotIndexPastTheEndIsCaughtInBuildsWithAssertions) {
  // The release build compiles the check out; CI's sanitizer build runs this.
  EXPECT_DEATH(
      {
        Tape<double> tape;
        Var<double> x = tape.variable(Tensor<double>{1.0, 2.0}, "x");
        tape.backward(sum(tape.apply<PastTheEndOp>({x})));
      },
      "GradSlot::add: index past the gradient's end");
}
#endif

}  // namespace
}  // namespace tapegrad
