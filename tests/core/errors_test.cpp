// Errors the core raises: what type, what message, what site; and the IEEE
// cases that are deliberately not errors.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// y = x, but backprop hands input 0 a gradient of the wrong shape.
class BadGradientShape final : public Operation<double> {
 public:
  std::string_view name() const override { return "bad_grad_shape"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    const Tensor<double>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = x;
  }
  void backprop(BackpropContext<double>& ctx) const override {
    Tensor<double> wrong = Tensor<double>::from_shape({2});
    wrong.fill(1.0);
    ctx.accumulate(0, wrong);
  }
};

// ---------------------------------------------------------------- handles

TEST(Errors, VarOfAnotherTapeThrowsTapeMismatch) {
  Tape<double> a;
  Tape<double> b;
  Var<double> x = a.variable(Tensor<double>{1.0, 2.0});
  Var<double> z = b.variable(Tensor<double>{3.0, 4.0});
  const std::size_t size_before = a.size();
  try {
    (void)(x + z);
    FAIL() << "expected TapeMismatchError";
  } catch (const TapeMismatchError& e) {
    EXPECT_TRUE(contains(e.what(), "another tape")) << e.what();
    EXPECT_TRUE(contains(e.what(), "add")) << e.what();
    EXPECT_EQ(e.op(), "add");
  }
  EXPECT_EQ(a.size(), size_before);  // nothing was recorded
  EXPECT_THROW((void)(z * x), TapeMismatchError);
  EXPECT_THROW(a.backward(sum(z)), TapeMismatchError);
  EXPECT_THROW((void)a.grad(z), TapeMismatchError);
}

TEST(Errors, VarUsedAfterResetThrowsStaleVar) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> y = sin(x);
  tape.reset();
  try {
    (void)exp(x);
    FAIL() << "expected StaleVarError";
  } catch (const StaleVarError& e) {
    EXPECT_TRUE(contains(e.what(), "reset()")) << e.what();
    EXPECT_EQ(e.op(), "exp");
  }
  EXPECT_THROW((void)x.value(), StaleVarError);
  EXPECT_THROW((void)y.grad(), StaleVarError);
  EXPECT_THROW(tape.backward(sum(y)), StaleVarError);

  // Even when a node with that id exists again, the old handle is stale.
  Var<double> x2 = tape.variable(Tensor<double>{5.0, 6.0});
  Var<double> y2 = sin(x2);
  ASSERT_EQ(x2.id(), x.id());
  ASSERT_EQ(y2.id(), y.id());
  EXPECT_THROW((void)x.value(), StaleVarError);
  EXPECT_THROW((void)(x + x2), StaleVarError);
  EXPECT_DOUBLE_EQ(x2.value()(0), 5.0);
}

TEST(Errors, DefaultConstructedVarThrowsStaleVar) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0});
  Var<double> empty;
  EXPECT_FALSE(empty.valid());
  EXPECT_THROW((void)empty.value(), StaleVarError);
  EXPECT_THROW((void)empty.grad(), StaleVarError);
  EXPECT_THROW((void)empty.item(), StaleVarError);
  EXPECT_THROW((void)empty.label("e"), StaleVarError);
  EXPECT_THROW((void)sin(empty), StaleVarError);
  EXPECT_THROW((void)(empty + x), StaleVarError);
  EXPECT_THROW((void)(x + empty), StaleVarError);
  EXPECT_THROW(tape.backward(empty), StaleVarError);
  try {
    (void)tape.apply("sigmoid", {empty});
    FAIL() << "expected StaleVarError";
  } catch (const StaleVarError& e) {
    EXPECT_TRUE(contains(e.what(), "empty Var")) << e.what();
    EXPECT_EQ(e.op(), "sigmoid");
  }
  EXPECT_EQ(tape.size(), 1u);
}

// ---------------------------------------------------------------- registry lookups

TEST(Errors, UnknownOpNameListsTheClosestNames) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0});
  try {
    (void)tape.apply("sigmod", {x});
    FAIL() << "expected UnknownOpError";
  } catch (const UnknownOpError& e) {
    EXPECT_TRUE(contains(e.what(), "'sigmod'")) << e.what();
    EXPECT_TRUE(contains(e.what(), "closest: 'sigmoid'")) << e.what();
  }
  EXPECT_EQ(tape.size(), 1u);
  try {
    (void)tape.apply("softmx", {x});
    FAIL() << "expected UnknownOpError";
  } catch (const UnknownOpError& e) {
    EXPECT_TRUE(contains(e.what(), "'softmax'")) << e.what();
  }
}

TEST(Errors, UnknownAttributeListsTheAcceptedOnes) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{2.0});
  try {
    (void)tape.apply("pow", {x}, {{"exponant", 2.0}});
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.op(), "pow");
    EXPECT_EQ(e.detail(), "unknown attribute 'exponant' (accepted: exponent)");
  }
  try {
    (void)tape.apply("sum", {x}, {{"axes", 0.0}});
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.detail(), "unknown attribute 'axes' (accepted: axis, keepdims)");
  }
  try {
    (void)tape.apply("exp", {x}, {{"base", 2.0}});
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.detail(), "unknown attribute 'base' (accepted: none)");
  }
  EXPECT_EQ(tape.size(), 1u);
}

TEST(Errors, MissingRequiredAttributeThrowsValueError) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{2.0});
  try {
    (void)tape.apply("scale", {x});
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.op(), "scale");
    EXPECT_TRUE(contains(e.what(), "factor")) << e.what();
  }
}

TEST(Errors, WrongArityThrowsValueError) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  try {
    (void)tape.apply("sin", {x, x});
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.op(), "sin");
    EXPECT_EQ(e.detail(), "takes 1 input(s), got 2");
    EXPECT_TRUE(contains(e.what(), "sin: takes 1 input(s), got 2")) << e.what();
  }
  try {
    (void)tape.apply("add", {x});
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.detail(), "takes 2 input(s), got 1");
  }
  EXPECT_EQ(tape.size(), 1u);
}

/// Throws from forward: a tapegrad error, or any other exception.
class ThrowingOp final : public Operation<double> {
 public:
  ThrowingOp(bool tapegrad_error, int* alive) : tapegrad_error_(tapegrad_error), alive_(alive) {
    ++*alive_;
  }
  ~ThrowingOp() override { --*alive_; }
  ThrowingOp(const ThrowingOp&) = delete;
  ThrowingOp& operator=(const ThrowingOp&) = delete;

  std::string_view name() const override { return "throwing"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    if (tapegrad_error_)
      throw ValueError("no thanks", ctx.site());
    throw std::runtime_error("plain failure");
  }
  void backprop(BackpropContext<double>&) const override {}

 private:
  bool tapegrad_error_;
  int* alive_;
};

TEST(Errors, AThrowingForwardLeavesTheTapeAsItWas) {
  int alive = 0;
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  try {
    (void)tape.apply<ThrowingOp>({x}, true, &alive);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.op(), "throwing");
    EXPECT_EQ(e.node(), NodeId{1});
    EXPECT_EQ(e.detail(), "no thanks");
  }
  EXPECT_EQ(alive, 0);  // the failed op was destroyed
  EXPECT_EQ(tape.size(), 1u);
  try {
    (void)tape.apply<ThrowingOp>({x}, false, &alive);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.op(), "throwing");
    EXPECT_EQ(e.detail(), "forward failed: plain failure");
  }
  EXPECT_EQ(alive, 0);
  EXPECT_EQ(tape.size(), 1u);
  EXPECT_EQ(tape.inputs(0).size(), 0u);

  // The tape keeps working: the next node takes the failed one's id.
  Var<double> y = sum(x * x);
  EXPECT_EQ(y.id(), 2u);
  EXPECT_EQ(tape.inputs(1).size(), 2u);
  EXPECT_EQ(tape.inputs(1)[0], x.id());
  tape.backward(y);
  EXPECT_DOUBLE_EQ(x.grad()(1), 4.0);
}

// ---------------------------------------------------------------- error sites

TEST(Errors, ForwardShapeErrorCarriesOpNodeAndShapes) {
  Tape<double> tape;
  Var<double> a = tape.variable(Tensor<double>{1.0, 2.0}, "a");
  Var<double> b = tape.variable(Tensor<double>{1.0, 2.0, 3.0}, "b");
  const std::size_t size_before = tape.size();
  try {
    (void)(a + b);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.op(), "add");
    EXPECT_EQ(e.node(), static_cast<NodeId>(size_before));  // the node it would have been
    EXPECT_TRUE(contains(e.detail(), "(2,)")) << e.detail();
    EXPECT_TRUE(contains(e.detail(), "(3,)")) << e.detail();
  }
  EXPECT_EQ(tape.size(), size_before);  // rolled back

  Var<double> m = tape.variable(testing::random_tensor({2, 3}, 1));
  Var<double> n = tape.variable(testing::random_tensor({2, 3}, 2));
  try {
    (void)matmul(m, n);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.op(), "matmul");
    EXPECT_TRUE(contains(e.what(), "(2, 3)")) << e.what();
  }
}

TEST(Errors, BackpropShapeErrorFromALabelledNodeHasEveryAccessor) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0, 3.0}, "x");
  Var<double> bad = tape.apply<BadGradientShape>({x}).label("culprit");
  Var<double> y = sum(bad);
  try {
    tape.backward(y);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.op(), "bad_grad_shape");
    ASSERT_TRUE(e.node().has_value());
    EXPECT_EQ(*e.node(), bad.id());
    EXPECT_EQ(e.label(), "culprit");
    EXPECT_EQ(e.detail(), "backprop produced a gradient of shape (2,) for input 0 of shape (3,)");
    EXPECT_EQ(std::string(e.what()),
              "tapegrad: bad_grad_shape: backprop produced a gradient of shape (2,) for input 0 "
              "of shape (3,) [node " +
                  std::to_string(bad.id()) + " 'culprit']");
  }
}

TEST(Errors, ItemOfANonScalarNamesTheLabelledNode) {
  Tape<double> tape;
  Var<double> v = tape.variable(Tensor<double>{1.0, 2.0}).label("weights");
  try {
    (void)v.item();
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.op(), "item");
    EXPECT_EQ(e.node(), v.id());
    EXPECT_EQ(e.detail(), "item() needs a one-element Var, got shape (2,)");
    // Every error raised on behalf of a node names its label too.
    EXPECT_EQ(e.label(), "weights");
  }
}

TEST(Errors, ErrorWithoutSiteHasPlainMessage) {
  const Error e("something went wrong");
  EXPECT_EQ(std::string(e.what()), "tapegrad: something went wrong");
  EXPECT_EQ(e.op(), "");
  EXPECT_FALSE(e.node().has_value());
  EXPECT_EQ(e.label(), "");
  EXPECT_EQ(e.detail(), "something went wrong");

  const GradientError g("no seed", {"backward", NodeId{4}, ""});
  EXPECT_EQ(std::string(g.what()), "tapegrad: backward: no seed [node 4]");
  const Error& as_base = g;
  EXPECT_EQ(as_base.node(), NodeId{4});
}

TEST(Errors, EveryErrorTypeDerivesFromError) {
  EXPECT_THROW(throw ShapeError("x"), Error);
  EXPECT_THROW(throw ValueError("x"), Error);
  EXPECT_THROW(throw TapeMismatchError("x"), Error);
  EXPECT_THROW(throw StaleVarError("x"), Error);
  EXPECT_THROW(throw GradientError("x"), Error);
  EXPECT_THROW(throw StateReleasedError("x"), Error);
  EXPECT_THROW(throw UnknownOpError("x"), Error);
  EXPECT_THROW(throw RegistryError("x"), Error);
  EXPECT_THROW(throw Error("x"), std::runtime_error);
}

TEST(Errors, NodeLookupOutOfRangeThrowsValueError) {
  Tape<double> tape;
  (void)tape.variable(Tensor<double>{1.0});
  try {
    (void)tape.node(5);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.detail(), "node 5 does not exist (the tape has 1 nodes)");
  }
}

// ---------------------------------------------------------------- IEEE, not errors

TEST(Errors, DomainErrorsFollowIeeeWithoutThrowing) {
  Tape<double> tape;
  Var<double> neg = tape.variable(Tensor<double>{-1.0});
  Var<double> zero = tape.variable(Tensor<double>{0.0});

  Var<double> l;
  ASSERT_NO_THROW(l = log(neg));
  EXPECT_TRUE(std::isnan(l.value()(0)));
  ASSERT_NO_THROW(tape.backward(sum(l)));
  // d log x / dx = 1/x is applied pointwise, even outside the domain.
  EXPECT_DOUBLE_EQ(neg.grad()(0), -1.0);

  Var<double> l0 = log(zero);
  EXPECT_EQ(l0.value()(0), -std::numeric_limits<double>::infinity());
  ASSERT_NO_THROW(tape.backward(sum(l0)));
  EXPECT_EQ(zero.grad()(0), std::numeric_limits<double>::infinity());

  Var<double> s;
  ASSERT_NO_THROW(s = sqrt(neg));
  EXPECT_TRUE(std::isnan(s.value()(0)));
  ASSERT_NO_THROW(tape.backward(sum(s)));
  EXPECT_TRUE(std::isnan(neg.grad()(0)));

  Var<double> r;
  ASSERT_NO_THROW(r = 1.0 / zero);
  EXPECT_EQ(r.value()(0), std::numeric_limits<double>::infinity());
  ASSERT_NO_THROW(tape.backward(sum(r)));
  EXPECT_FALSE(std::isfinite(zero.grad()(0)));
  EXPECT_EQ(zero.grad()(0), -std::numeric_limits<double>::infinity());

  Var<double> q = zero / zero;
  EXPECT_TRUE(std::isnan(q.value()(0)));
}

TEST(Errors, DomainErrorsFollowIeeeInFloat) {
  Tape<float> tape;
  Var<float> neg = tape.variable(Tensor<float>{-1.0f});
  Var<float> zero = tape.variable(Tensor<float>{0.0f});
  EXPECT_TRUE(std::isnan(log(neg).value()(0)));
  EXPECT_TRUE(std::isnan(sqrt(neg).value()(0)));
  Var<float> r = 1.0f / zero;
  EXPECT_EQ(r.value()(0), std::numeric_limits<float>::infinity());
  tape.backward(sum(r));
  EXPECT_FALSE(std::isfinite(zero.grad()(0)));
}

}  // namespace
}  // namespace tapegrad
