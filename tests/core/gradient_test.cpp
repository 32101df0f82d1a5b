// Tape::gradient(): recorded (create_graph) and numeric gradients as Vars,
// seeds, errors, and the higher_order flag of the registry.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

void expect_near(const Tensor<double>& actual, const Tensor<double>& expected, double tol,
                 const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual.data()[i], expected.data()[i], tol) << what << " at " << i;
}

/// L = Σ sigmoid(A·x ⊙ b) + Σ (x²)·log(b): x (3,), A (2, 3), b (2,) positive.
struct Problem {
  Tensor<double> a = random_tensor({2, 3}, 1);
  Tensor<double> x = random_tensor({3}, 2);
  Tensor<double> b = random_tensor({2}, 3, 0.5, 2.0);

  Var<double> loss(Var<double> av, Var<double> xv, Var<double> bv) const {
    return sum(sigmoid(matmul(av, xv) * bv)) + sum(square(xv)) * sum(log(bv));
  }
};

TEST(Gradient, CreateGraphAndNumericMatchBackward) {
  const Problem p;
  Tape<double> tape;
  const Var<double> a = tape.variable(p.a);
  const Var<double> x = tape.variable(p.x);
  const Var<double> b = tape.variable(p.b);
  const Var<double> loss = p.loss(a, x, b);
  tape.backward(loss);
  const Tensor<double> ga = a.grad(), gx = x.grad(), gb = b.grad();

  for (const bool create_graph : {false, true}) {
    const std::vector<Var<double>> g =
        tape.gradient(loss, {a, x, b}, {.create_graph = create_graph});
    ASSERT_EQ(g.size(), 3u);
    for (const Var<double>& v : g) {
      EXPECT_EQ(v.tape(), &tape);
      EXPECT_TRUE(v.valid());
    }
    const std::string what = create_graph ? "create_graph" : "numeric";
    expect_near(g[0].value(), ga, 1e-15, what + " dA");
    expect_near(g[1].value(), gx, 1e-15, what + " dx");
    expect_near(g[2].value(), gb, 1e-15, what + " db");
    // Recorded gradients are op nodes that need a gradient; numeric ones are
    // constants.
    for (const Var<double>& v : g)
      EXPECT_EQ(tape.node(v.id()).requires_grad, create_graph) << what;
  }
}

TEST(Gradient, NumericPathRecordsOnlyOneConstantPerResult) {
  const Problem p;
  Tape<double> tape;
  const Var<double> a = tape.variable(p.a);
  const Var<double> x = tape.variable(p.x);
  const Var<double> b = tape.variable(p.b);
  const Var<double> loss = p.loss(a, x, b);
  const std::size_t before = tape.size();
  const std::vector<Var<double>> g = tape.gradient(loss, {x, b});
  EXPECT_EQ(tape.size(), before + 2);
  for (const Var<double>& v : g) {
    EXPECT_GE(v.id(), before);
    EXPECT_TRUE(tape.node(v.id()).is_leaf());
    EXPECT_FALSE(tape.node(v.id()).requires_grad);
  }
  // create_graph records the backward pass: many more nodes.
  const std::size_t numeric_size = tape.size();
  (void)tape.gradient(loss, {x, b}, {.create_graph = true});
  EXPECT_GT(tape.size(), numeric_size + 5);
}

TEST(Gradient, WatchedParametersAreLeftUntouched) {
  Parameter<double> w(random_tensor({2, 3}, 4), "w");
  w.grad() = Tensor<double>(Shape{2, 3}, 7.0);  // pretend an earlier backward ran
  for (const bool create_graph : {false, true}) {
    Tape<double> tape;
    const Var<double> wv = tape.watch(w);
    const Var<double> x = tape.variable(random_tensor({3}, 5));
    const Var<double> loss = sum(tanh(matmul(wv, x)));
    const std::vector<Var<double>> g = tape.gradient(loss, {wv, x}, {.create_graph = create_graph});
    for (const double v : w.grad())
      EXPECT_EQ(v, 7.0) << "create_graph " << create_graph;
    // The gradient with respect to the parameter itself is correct.
    Tape<double> reference;
    const Var<double> wr = reference.variable(w.value());
    reference.backward(sum(tanh(matmul(wr, reference.constant(x.value())))));
    expect_near(g[0].value(), wr.grad(), 1e-15, "dw");
  }
}

TEST(Gradient, LeavesTheLastBackwardsGradientsReadable) {
  // gradient() is not a backward(): grad() and last_output() still describe
  // the last backward afterwards, whichever path gradient() takes.
  for (const bool create_graph : {false, true}) {
    Tape<double> tape;
    const Var<double> x = tape.variable(Tensor<double>{1.0, 2.0}, "x");
    const Var<double> h = exp(x);
    const Var<double> y = sum(h * h);
    tape.backward(y);
    const Tensor<double> dx = 2.0 * xt::exp(2.0 * x.value());
    const Tensor<double> dh = 2.0 * h.value();
    const Var<double> z = sum(sin(x));
    const std::vector<Var<double>> g = tape.gradient(z, {x, x, h}, {.create_graph = create_graph});
    expect_near(g[0].value(), xt::cos(x.value()), 1e-15, "dz/dx");
    expect_near(g[1].value(), xt::cos(x.value()), 1e-15, "dz/dx again");
    expect_near(g[2].value(), Tensor<double>{0.0, 0.0}, 0, "dz/dh (unreached)");
    // Gradients with respect to an intermediate node.
    const std::vector<Var<double>> gy = tape.gradient(y, {h, x}, {.create_graph = create_graph});
    expect_near(gy[0].value(), dh, 1e-13, "dy/dh");
    expect_near(gy[1].value(), dx, 1e-13, "dy/dx");

    EXPECT_TRUE(tape.has_grad(x)) << create_graph;
    EXPECT_TRUE(tape.has_grad(h)) << create_graph;
    EXPECT_FALSE(tape.has_grad(z)) << create_graph;
    expect_near(x.grad(), dx, 1e-13, "x.grad() after gradient()");
    expect_near(h.grad(), dh, 1e-13, "h.grad() after gradient()");
    ASSERT_TRUE(tape.last_output().has_value());
    EXPECT_EQ(*tape.last_output(), y.id());
  }
}

TEST(Gradient, AFailedNumericGradientKeepsTheLastBackward) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.5, -1.0}, "x");
  const Var<double> h = tanh(x);
  const Var<double> y = sum(h);
  tape.backward(sum(square(x)));              // ∂/∂x = 2x
  tape.backward(y, {.release_saved = true});  // frees tanh's state
  const Tensor<double> dx = 1.0 - h.value() * h.value();
  EXPECT_THROW((void)tape.gradient(y, {x}), StateReleasedError);
  expect_near(x.grad(), dx, 1e-15, "x.grad() after the failed gradient()");
  ASSERT_TRUE(tape.last_output().has_value());
  EXPECT_EQ(*tape.last_output(), y.id());
}

TEST(Gradient, UnreachedVariablesGetZeros) {
  for (const bool create_graph : {false, true}) {
    Tape<double> tape;
    const Var<double> x = tape.variable(random_tensor({2, 3}, 6));
    const Var<double> unused = tape.variable(random_tensor({4}, 7));
    const Var<double> loss = sum(exp(x));
    const Var<double> later = tape.variable(random_tensor({3}, 8));  // recorded after loss
    const std::vector<Var<double>> g =
        tape.gradient(loss, {unused, x, later}, {.create_graph = create_graph});
    expect_near(g[0].value(), Tensor<double>(Shape{4}, 0.0), 0, "unused");
    expect_near(g[1].value(), xt::exp(x.value()), 1e-15, "x");
    expect_near(g[2].value(), Tensor<double>(Shape{3}, 0.0), 0, "later");

    // An output that depends on no variable at all.
    const Var<double> c = tape.constant(random_tensor({3}, 9));
    const Var<double> flat = sum(c * c);
    const std::vector<Var<double>> z = tape.gradient(flat, {x}, {.create_graph = create_graph});
    expect_near(z[0].value(), Tensor<double>(Shape{2, 3}, 0.0), 0, "constant output");
  }
}

TEST(Gradient, ConstantWrtIsAGradientError) {
  for (const bool create_graph : {false, true}) {
    Tape<double> tape;
    const Var<double> x = tape.variable(random_tensor({3}, 10));
    const Var<double> c = tape.constant(random_tensor({3}, 11), "data");
    const Var<double> loss = sum(x * c);
    try {
      (void)tape.gradient(loss, {x, c}, {.create_graph = create_graph});
      ADD_FAILURE() << "expected GradientError";
    } catch (const GradientError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("gradient with respect to data, which does not require a gradient"),
                std::string::npos)
          << message;
      EXPECT_EQ(e.op(), "gradient");
    }
  }
}

TEST(Gradient, NonScalarOutputWithoutSeedIsAGradientError) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({2, 3}, 12));
  const Var<double> y = exp(x);
  for (const bool create_graph : {false, true}) {
    try {
      (void)tape.gradient(y, {x}, {.create_graph = create_graph});
      ADD_FAILURE() << "expected GradientError";
    } catch (const GradientError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("needs a one-element output, got shape (2, 3)"), std::string::npos)
          << message;
    }
  }
}

TEST(Gradient, SeededVectorJacobianProduct) {
  const Tensor<double> xv = random_tensor({2, 3}, 13);
  const Tensor<double> sv = random_tensor({2, 3}, 14);
  for (const bool create_graph : {false, true}) {
    Tape<double> tape;
    const Var<double> x = tape.variable(xv);
    const Var<double> y = sin(x);
    const Var<double> g =
        tape.gradient(y, {x}, tape.constant(sv), {.create_graph = create_graph})[0];
    expect_near(g.value(), sv * xt::cos(xv), 1e-15, "vjp");
  }
  {  // The same through a wrongly shaped seed.
    Tape<double> tape;
    const Var<double> x = tape.variable(xv);
    EXPECT_THROW((void)tape.gradient(sin(x), {x}, tape.constant(random_tensor({3}, 1))),
                 GradientError);
  }
}

TEST(Gradient, SeedThatDependsOnAVariableIsDifferentiatedThrough) {
  // y = sin(x), seed s = u², g = s ⊙ cos(x); L = Σ g.
  // ∂L/∂u = 2u ⊙ cos(x), ∂L/∂x = −u² ⊙ sin(x).
  const Tensor<double> xv = random_tensor({4}, 15);
  const Tensor<double> uv = random_tensor({4}, 16);
  Tape<double> tape;
  const Var<double> x = tape.variable(xv);
  const Var<double> u = tape.variable(uv);
  const Var<double> y = sin(x);
  const Var<double> g = tape.gradient(y, {x}, square(u), {.create_graph = true})[0];
  expect_near(g.value(), uv * uv * xt::cos(xv), 1e-15, "g");
  const std::vector<Var<double>> second = tape.gradient(sum(g), {u, x});
  expect_near(second[0].value(), 2.0 * uv * xt::cos(xv), 1e-15, "dL/du");
  expect_near(second[1].value(), -uv * uv * xt::sin(xv), 1e-15, "dL/dx");
}

/// A custom op with a backprop but no differentiable backprop:
/// swish(x) = x·sigmoid(x).
template <class T>
class TestSwish final : public OpBase<TestSwish<T>, T> {
 public:
  static constexpr std::string_view kName = "swish";
  static constexpr int kArity = 1;
  static constexpr std::string_view kFormula = "y = x·sigmoid(x)";
  void forward(ForwardContext<T>& ctx) const override {
    const Tensor<T>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = x / (T(1) + xt::exp(-x));
  }
  void backprop(BackpropContext<T>& ctx) const override {
    if (!ctx.needs_grad(0))
      return;
    const Tensor<T>& x = ctx.input(0);
    const Tensor<T> s = T(1) / (T(1) + xt::exp(-x));
    ctx.accumulate(0, ctx.grad_output() * (s + x * s * (T(1) - s)));
  }
};

const OpRegistration<TestSwish> swish_registration("gradient_test");

TEST(Gradient, CustomOpWithoutDifferentiableBackprop) {
  const Tensor<double> xv = random_tensor({5}, 17);
  Tape<double> tape;
  const Var<double> x = tape.variable(xv);
  const Var<double> loss = sum(tape.apply("swish", {x}));
  const Var<double> g = tape.gradient(loss, {x})[0];
  for (std::size_t i = 0; i < xv.size(); ++i) {
    const double xi = xv(i);
    const double s = 1 / (1 + std::exp(-xi));
    EXPECT_NEAR(g.value()(i), s + xi * s * (1 - s), 1e-15) << i;
  }
  try {
    (void)tape.gradient(loss, {x}, {.create_graph = true});
    ADD_FAILURE() << "expected GradientError";
  } catch (const GradientError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("op 'swish' has no differentiable backprop"), std::string::npos)
        << message;
    EXPECT_EQ(e.op(), "swish");
  }
  // The tape stays usable: first-order gradients and backward still work.
  expect_near(tape.gradient(loss, {x})[0].value(), g.value(), 0, "after the failure");
  tape.backward(loss);
  expect_near(x.grad(), g.value(), 0, "backward after the failure");
}

TEST(Gradient, RegistryFlagsHigherOrderOps) {
  std::size_t builtins = 0;
  bool found_swish = false;
  for (const OpInfo<double>& info : Registry<double>::global().entries()) {
    if (info.origin == "tapegrad") {
      ++builtins;
      EXPECT_TRUE(info.higher_order) << info.name;
    }
    if (info.name == "swish") {
      found_swish = true;
      EXPECT_EQ(info.origin, "gradient_test");
      EXPECT_FALSE(info.higher_order);
    }
  }
  EXPECT_GE(builtins, 30u);
  EXPECT_TRUE(found_swish);
  for (const OpInfo<float>& info : Registry<float>::global().entries()) {
    if (info.origin == "tapegrad") {
      EXPECT_TRUE(info.higher_order) << info.name << " (float)";
    }
  }
}

}  // namespace
}  // namespace tapegrad
