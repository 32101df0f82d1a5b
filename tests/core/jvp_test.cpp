// Tape::jvp, jvp(f, x, v) and jacfwd: values against reverse mode and by
// hand, the double-VJP fallback for an op without a tangent rule, and the
// errors for bad seeds.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "support/expect_error.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// y = x³ with a numeric backprop and no tangent rule; the ops below add to it.
class CubeBackpropOnly : public Operation<double> {
 public:
  std::string_view name() const override { return "cube_backprop_only"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    const Tensor<double>& x = ctx.input(0);
    ctx.output(x.shape()) = x * x * x;
  }
  void backprop(BackpropContext<double>& ctx) const override {
    const Tensor<double>& x = ctx.input(0);
    ctx.accumulate(0, 3.0 * x * x * ctx.grad_output());
  }
};

/// With a differentiable backprop but no tangent rule: forward mode must take
/// the double-VJP fallback through it.
class CubeWithoutTangent final : public CubeBackpropOnly {
 public:
  std::string_view name() const override { return "cube_without_tangent"; }
  void differentiable_backprop(DifferentiableBackpropContext<double>& ctx) const override {
    const Var<double> x = ctx.input(0);
    ctx.accumulate(0, 3.0 * x * x * ctx.grad_output());
  }
};

/// A tangent rule that is wrong (2x² instead of 3x²) while the backprop is
/// right: only gradcheck's forward-mode check can see it.
class CubeWithWrongTangent final : public CubeBackpropOnly {
 public:
  std::string_view name() const override { return "cube_with_wrong_tangent"; }
  bool tangent(TangentContext<double>& ctx) const override {
    const Tensor<double>& x = ctx.input(0);
    ctx.accumulate(2.0 * x * x * ctx.tangent(0));
    return true;
  }
};

using testing::expect_contains;
using testing::expect_error;

TEST(Jvp, MatchesTheHandDerivativeOfAProduct) {
  Tape<double> tape;
  const Var<double> a = tape.variable(Tensor<double>{1.0, 2.0, 3.0});
  const Var<double> b = tape.variable(Tensor<double>{4.0, 5.0, 6.0});
  const Var<double> y = sin(a) * b;
  const Tensor<double> va{1.0, 0.0, -1.0};
  const Tensor<double> vb{0.5, 2.0, 1.0};
  const Tensor<double> dy = tape.jvp({y}, {{a, va}, {b, vb}})[0];
  for (std::size_t i = 0; i < 3; ++i) {
    const double expected =
        std::cos(a.value()(i)) * b.value()(i) * va(i) + std::sin(a.value()(i)) * vb(i);
    EXPECT_NEAR(dy(i), expected, 1e-14) << i;
  }
}

TEST(Jvp, AnUnreachedOutputGetsZerosAndAnUnseededLeafCountsAsConstant) {
  Tape<double> tape;
  const Var<double> a = tape.variable(Tensor<double>{1.0, 2.0});
  const Var<double> b = tape.variable(Tensor<double>{3.0, 4.0});
  const Var<double> only_b = exp(b);
  const Var<double> both = a * b;
  const std::vector<Tensor<double>> t = tape.jvp({only_b, both}, {{a, Tensor<double>{1.0, 1.0}}});
  EXPECT_EQ(t[0], (Tensor<double>{0.0, 0.0}));
  EXPECT_EQ(t[1], (Tensor<double>{3.0, 4.0}));
}

TEST(Jvp, FallsBackToDoubleVjpForAnOpWithoutATangentRule) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, -2.0, 0.5});
  const CubeWithoutTangent cube;
  const Var<double> y = exp(tape.record(cube, {x}));
  const Tensor<double> v{2.0, 1.0, -1.0};
  const Tensor<double> dy = tape.jvp({y}, {{x, v}})[0];
  for (std::size_t i = 0; i < 3; ++i) {
    const double xi = x.value()(i);
    EXPECT_NEAR(dy(i), std::exp(xi * xi * xi) * 3 * xi * xi * v(i), 1e-12) << i;
  }
}

TEST(Jvp, AnOpWithNeitherRuleIsNamed) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0});
  const CubeBackpropOnly cube;
  const Var<double> y = tape.record(cube, {x});
  const std::string message = expect_error<GradientError>([&] {
    (void)tape.jvp({y}, {{x, Tensor<double>{1.0}}});
  });
  expect_contains(message, "cube_backprop_only");
  expect_contains(message, "node " + std::to_string(y.id()));
  expect_contains(message, "tangent rule");
}

TEST(Jvp, ASeedOfTheWrongShapeNamesTheNodeAndBothShapes) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>::from_shape({2, 3}), "x");
  const Var<double> y = sum(x);
  const std::string message = expect_error<ShapeError>([&] {
    (void)tape.jvp({y}, {{x, Tensor<double>::from_shape({3, 2})}});
  });
  expect_contains(message, "node " + std::to_string(x.id()) + " ('x')");
  expect_contains(message, "(2, 3)");
  expect_contains(message, "(3, 2)");
}

TEST(Jvp, ASeedOnANonLeafNamesItsOp) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  const Var<double> h = exp(x);
  const Var<double> y = sum(h);
  const std::string message = expect_error<GradientError>([&] {
    (void)tape.jvp({y}, {{h, Tensor<double>{1.0, 1.0}}});
  });
  expect_contains(message, "node " + std::to_string(h.id()));
  expect_contains(message, "'exp'");
  expect_contains(message, "not a leaf");
}

TEST(Jvp, ASeedOnAConstantIsRefused) {
  Tape<double> tape;
  const Var<double> c = tape.constant(Tensor<double>{1.0, 2.0}, "data");
  const Var<double> y = sum(c * c);
  const std::string message = expect_error<GradientError>([&] {
    (void)tape.jvp({y}, {{c, Tensor<double>{1.0, 1.0}}});
  });
  expect_contains(message, "node " + std::to_string(c.id()) + " ('data')");
  expect_contains(message, "a constant");
}

TEST(Jvp, ALeafSeededTwiceIsRefused) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0});
  const std::string message = expect_error<ValueError>([&] {
    (void)tape.jvp({x}, {{x, Tensor<double>{1.0}}, {x, Tensor<double>{2.0}}});
  });
  expect_contains(message, "twice");
}

TEST(Jacfwd, EqualsTheReverseModeJacobian) {
  const std::vector<TensorFunction<double>> functions = {
      [](Var<double> x) { return softmax(x); },
      [](Var<double> x) { return tanh(matmul(x, x)) * 2.0 + x; },
      [](Var<double> x) { return sum(exp(x) * sin(x), 1); },
      [](Var<double> x) { return reshape(transpose(x), {9}); },
  };
  const Tensor<double> x{{0.1, -0.4, 0.7}, {1.2, 0.3, -0.9}, {-0.2, 0.5, 0.8}};
  for (std::size_t k = 0; k < functions.size(); ++k) {
    const Tensor<double> forward = jacfwd(functions[k], x);
    const Tensor<double> reverse = jacobian(functions[k], x);
    ASSERT_EQ(forward.shape(), reverse.shape()) << k;
    for (std::size_t i = 0; i < forward.size(); ++i)
      EXPECT_NEAR(forward.data()[i], reverse.data()[i], 1e-12) << "function " << k << " at " << i;
  }
}

TEST(Jvp, OfAFunctionIsJacobianTimesV) {
  const TensorFunction<double> f = [](Var<double> x) { return log_softmax(x * x); };
  const Tensor<double> x{0.3, -1.1, 0.6, 2.0};
  const Tensor<double> v{1.0, -0.5, 0.25, 2.0};
  const Tensor<double> j = jacobian(f, x);
  const Tensor<double> jv = jvp(f, x, v);
  for (std::size_t i = 0; i < 4; ++i) {
    double expected = 0;
    for (std::size_t k = 0; k < 4; ++k)
      expected += j(i, k) * v(k);
    EXPECT_NEAR(jv(i), expected, 1e-12) << i;
  }
}

TEST(Jvp, NativeRulesRecordNothingAndTheFallbackDoes) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{0.5, -1.0}, {2.0, 0.25}});
  const Var<double> w = tape.variable(Tensor<double>{{1.0, 2.0}, {-1.0, 0.5}});
  const Var<double> y = mean(log_softmax(matmul(tanh(x), w) * x));
  const std::size_t recorded = tape.size();
  (void)tape.jvp({y}, {{x, Tensor<double>{{1.0, 0.0}, {0.0, 1.0}}}});
  EXPECT_EQ(tape.size(), recorded);
  const CubeWithoutTangent cube;
  const Var<double> z = tape.record(cube, {x});
  const std::size_t before = tape.size();
  (void)tape.jvp({z}, {{x, Tensor<double>{{1.0, 0.0}, {0.0, 1.0}}}});
  EXPECT_GT(tape.size(), before);
  const std::string message = expect_error<GradientError>([&] {
    (void)tape.jvp({z}, {{x, Tensor<double>{{1.0, 0.0}, {0.0, 1.0}}}}, {.fallback = false});
  });
  expect_contains(message, "cube_without_tangent");
  expect_contains(message, "no tangent rule");
}

TEST(HvpForward, EqualsReverseOverReverse) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{0.3, -0.7, 1.1}, {0.2, 0.9, -0.4}});
  const Var<double> w = tape.constant(Tensor<double>{{0.5, -1.0}, {1.5, 0.25}, {-0.75, 1.0}});
  const Var<double> loss = mean(tanh(matmul(x, w)) * sin(matmul(x, w)));
  const Tensor<double> v{{1.0, 0.5, -0.25}, {2.0, -1.0, 0.75}};
  const Tensor<double> forward = hvp_forward(loss, x, v, {.fallback = false});
  const Tensor<double> reverse = hvp(loss, x, tape.constant(v)).value();
  ASSERT_EQ(forward.shape(), reverse.shape());
  for (std::size_t i = 0; i < forward.size(); ++i)
    EXPECT_NEAR(forward.data()[i], reverse.data()[i], 1e-12) << i;
}

TEST(Gradcheck, ItsForwardModeCheckCatchesAWrongTangentRule) {
  const CubeWithWrongTangent cube;
  const GradcheckFunction f = [&](Tape<double>& tape, const std::vector<Var<double>>& in) {
    return tape.record(cube, {in[0]});
  };
  const std::vector<Tensor<double>> inputs{Tensor<double>{0.5, -1.5, 2.0}};
  const GradcheckResult checked = gradcheck(f, inputs);
  EXPECT_TRUE(checked.forward_checked);
  EXPECT_FALSE(checked.ok) << checked.report();
  EXPECT_NE(checked.report().find("forward mode"), std::string::npos) << checked.report();
  GradcheckOptions reverse_only;
  reverse_only.check_forward = false;
  const GradcheckResult unchecked = gradcheck(f, inputs, reverse_only);
  EXPECT_FALSE(unchecked.forward_checked);
  EXPECT_TRUE(unchecked.ok) << unchecked.report();
}

TEST(Gradcheck, ChecksForwardModeOfBuiltins) {
  const GradcheckResult r = gradcheck(
      [](Tape<double>&, const std::vector<Var<double>>& in) { return softmax(in[0] * in[1]); },
      {Tensor<double>{0.1, 0.7, -0.3}, Tensor<double>{1.5, -0.5, 0.25}});
  EXPECT_TRUE(r.ok) << r.report();
  EXPECT_TRUE(r.forward_checked) << r.report();
  EXPECT_NEAR(r.forward_analytic, r.forward_numeric, 1e-8);
  EXPECT_NE(r.forward_analytic, 0.0);
}

/// ẏ = 0 without writing it: the tape must hand back zeros even when the
/// buffer it reuses held another jvp's tangent.
class TangentLeftUnwritten final : public CubeBackpropOnly {
 public:
  std::string_view name() const override { return "tangent_left_unwritten"; }
  bool tangent(TangentContext<double>&) const override { return true; }
};

/// y = 2x, whose tangent rule runs a jvp of its own on another tape.
class DoubleByNestedJvp final : public Operation<double> {
 public:
  std::string_view name() const override { return "double_by_nested_jvp"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    ctx.output(ctx.input(0).shape()) = 2.0 * ctx.input(0);
  }
  void backprop(BackpropContext<double>& ctx) const override {
    ctx.accumulate(0, 2.0 * ctx.grad_output());
  }
  bool tangent(TangentContext<double>& ctx) const override {
    Tape<double> inner;
    const Var<double> x = inner.variable(ctx.input(0));
    ctx.accumulate(inner.jvp({x + x}, {{x, ctx.tangent(0)}})[0]);
    return true;
  }
};

TEST(Jvp, NodesNoSeedReachesOrNoOutputReadsAreSkipped) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.5, -1.0, 2.0});
  const Var<double> c = tape.variable(Tensor<double>{1.5, 0.25, -0.5});
  const Var<double> unseeded = exp(c);  // no seed reaches it: no tangent
  const Var<double> y = sin(x) * unseeded;
  const Var<double> unread = cos(x) * y;  // after y, read by no output
  const Tensor<double> v{1.0, -2.0, 0.5};
  const Tensor<double> alone = tape.jvp({y}, {{x, v}})[0];
  const std::vector<Tensor<double>> both = tape.jvp({y, unread}, {{x, v}});
  for (std::size_t i = 0; i < 3; ++i) {
    const double expected = std::cos(x.value()(i)) * unseeded.value()(i) * v(i);
    EXPECT_NEAR(alone(i), expected, 1e-15) << i;
    EXPECT_EQ(both[0](i), alone(i)) << i;
    const double dunread =
        -std::sin(x.value()(i)) * v(i) * y.value()(i) + std::cos(x.value()(i)) * expected;
    EXPECT_NEAR(both[1](i), dunread, 1e-14) << i;
  }
}

TEST(Jvp, AReusedBufferNeverLeaksAnEarlierTangent) {
  const TangentLeftUnwritten zero_tangent;
  for (const Shape& shape : {Shape{3}, Shape{2, 2}, Shape{3}}) {
    SCOPED_TRACE(shape_to_string(shape));
    Tape<double> tape;
    const Var<double> x = tape.variable(Tensor<double>(shape, 0.5));
    const Var<double> busy = exp(x);  // fills node 1's buffer with e^x·v
    const Tensor<double> v(shape, 3.0);
    ASSERT_EQ(tape.jvp({busy}, {{x, v}})[0](0), std::exp(0.5) * 3.0);
    tape.reset();
    const Var<double> x2 = tape.variable(Tensor<double>(shape, 0.5));
    const Var<double> z = tape.record(zero_tangent, {x2});  // node 1 again
    EXPECT_EQ(tape.jvp({z}, {{x2, v}})[0], Tensor<double>(shape, 0.0));
  }
}

TEST(Jvp, ATangentRuleMayRunAJvpOfItsOwn) {
  const DoubleByNestedJvp twice;
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, -3.0});
  const Var<double> y = exp(tape.record(twice, {sin(x)}));
  const Tensor<double> v{0.5, 2.0};
  const Tensor<double> t = tape.jvp({y}, {{x, v}})[0];
  for (std::size_t i = 0; i < 2; ++i)
    EXPECT_NEAR(t(i), y.value()(i) * 2.0 * std::cos(x.value()(i)) * v(i), 1e-14) << i;
}

TEST(HvpForward, OnAnMlpEqualsReverseOverReverse) {
  // The loss node and the other parameters' recorded gradients are read by
  // no output of the jvp, and the constant input reaches no seed: all skipped.
  Tape<double> tape;
  Parameter<double> w1(Tensor<double>{{0.5, -0.3, 0.2}, {0.1, 0.4, -0.6}}, "W1");
  Parameter<double> b1(Tensor<double>{0.05, -0.1}, "b1");
  Parameter<double> w2(Tensor<double>{{0.7, -0.2}, {0.3, 0.9}}, "W2");
  Parameter<double> b2(Tensor<double>{0.2, -0.4}, "b2");
  const Var<double> w = tape.watch(w1);
  const Var<double> x = tape.constant(Tensor<double>{{1.0, -2.0, 0.5}, {0.3, 0.8, -1.1}});
  const Var<double> h = tanh(linear(x, w, tape.watch(b1)));
  const Var<double> h2 = tanh(matmul(h, tape.watch(w2)) + tape.watch(b2));  // a bias by add
  const Var<double> loss =
      mse(h2, tape.constant(Tensor<double>{{0.1, 0.2}, {-0.3, 0.4}})) + sum(h) * mean(h2);
  const Tensor<double> v{{1.0, 0.5, -0.25}, {2.0, -1.0, 0.75}};
  const Tensor<double> forward = hvp_forward(loss, w, v, {.fallback = false});
  const Tensor<double> reverse = hvp(loss, w, tape.constant(v)).value();
  ASSERT_EQ(forward.shape(), reverse.shape());
  for (std::size_t i = 0; i < forward.size(); ++i)
    EXPECT_NEAR(forward.data()[i], reverse.data()[i], 1e-14) << i;
}

}  // namespace
}  // namespace tapegrad
