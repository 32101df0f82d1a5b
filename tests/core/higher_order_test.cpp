// Higher-order derivatives against closed forms: jacobian, hessian, hvp,
// third derivatives, float32, and a gradient-penalty training step that mixes
// create_graph with parameters and mini-batches (values and memory).
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using V = Var<double>;

void expect_near(const Tensor<double>& actual, const Tensor<double>& expected, double tol,
                 const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual.data()[i], expected.data()[i], tol) << what << " at flat index " << i;
}

TEST(HigherOrder, JacobianOfSoftmaxIsDiagMinusOuter) {
  const Tensor<double> x = random_tensor({5}, 1, -2.0, 2.0);
  const TensorFunction<double> f = [](V v) { return softmax(v); };
  const Tensor<double> j = jacobian<double>(f, x);
  Tape<double> tape;
  const Tensor<double> y = softmax(tape.constant(x)).value();
  ASSERT_EQ(j.shape(), (Shape{5, 5}));
  for (std::size_t r = 0; r < 5; ++r) {
    for (std::size_t c = 0; c < 5; ++c) {
      const double expected = (r == c ? y(r) : 0.0) - y(r) * y(c);
      EXPECT_NEAR(j(r, c), expected, 1e-12) << r << ", " << c;
    }
  }
}

TEST(HigherOrder, HessianOfAQuadraticFormIsTheSymmetricPart) {
  const Tensor<double> a = random_tensor({4, 4}, 2);  // not symmetric
  ASSERT_NE(a(0, 1), a(1, 0));
  const TensorFunction<double> f = [&a](V x) {
    return 0.5 * sum(x * matmul(x.tape()->constant(a), x));
  };
  const Tensor<double> h = hessian<double>(f, random_tensor({4}, 3));
  ASSERT_EQ(h.shape(), (Shape{4, 4}));
  for (std::size_t r = 0; r < 4; ++r) {
    for (std::size_t c = 0; c < 4; ++c)
      EXPECT_NEAR(h(r, c), (a(r, c) + a(c, r)) / 2, 1e-14) << r << ", " << c;
  }
}

struct SecondDerivative {
  std::string name;
  std::function<V(V)> op;
  std::function<double(double)> closed_form;
  Tensor<double> points;
};

TEST(HigherOrder, SecondDerivativesOfElementaryFunctionsMatchClosedForms) {
  const std::vector<SecondDerivative> cases = {
      {"sigmoid",
       [](V x) { return sigmoid(x); },
       [](double x) {
         const double s = 1 / (1 + std::exp(-x));
         return s * (1 - s) * (1 - 2 * s);
       },
       {-3.0, -0.5, 0.0, 0.7, 2.5}},
      {"tanh",
       [](V x) { return tanh(x); },
       [](double x) {
         const double t = std::tanh(x);
         return -2 * t * (1 - t * t);
       },
       {-2.0, -0.3, 0.0, 0.4, 1.5}},
      {"exp",
       [](V x) { return exp(x); },
       [](double x) { return std::exp(x); },
       {-2.0, 0.0, 0.5, 1.0, 3.0}},
      {"log",
       [](V x) { return log(x); },
       [](double x) { return -1 / (x * x); },
       {0.1, 0.5, 1.0, 2.0, 7.0}},
      {"sin",
       [](V x) { return sin(x); },
       [](double x) { return -std::sin(x); },
       {-3.0, -1.0, 0.0, 0.5, 2.0}},
  };
  for (const SecondDerivative& c : cases) {
    // Σ f(x_i): the Hessian is diagonal with f''(x_i).
    const TensorFunction<double> f = [&c](V x) { return sum(c.op(x)); };
    const Tensor<double> h = hessian<double>(f, c.points);
    for (std::size_t r = 0; r < c.points.size(); ++r) {
      for (std::size_t k = 0; k < c.points.size(); ++k) {
        const double expected = r == k ? c.closed_form(c.points(r)) : 0.0;
        EXPECT_NEAR(h(r, k), expected, 1e-10 * std::max(1.0, std::abs(expected)))
            << c.name << "''(" << c.points(r) << ") at " << r << ", " << k;
      }
    }
  }
}

TEST(HigherOrder, ThirdDerivativeOfAPolynomialIsExact) {
  // p(x) = 2x⁴ − 3x³ + x: p' = 8x³ − 9x² + 1, p'' = 24x² − 18x, p''' = 48x − 18.
  const Tensor<double> points{-2.0, -1.0, 0.0, 0.5, 1.0, 3.0};
  Tape<double> tape;
  const V x = tape.variable(points, "x");
  const V p = sum(2.0 * pow(x, 4.0) - 3.0 * pow(x, 3.0) + x);
  const V d1 = tape.gradient(p, {x}, {.create_graph = true})[0];
  const V d2 = tape.gradient(sum(d1), {x}, {.create_graph = true})[0];
  const V d3 = tape.gradient(sum(d2), {x}, {.create_graph = true})[0];
  const V d4 = tape.gradient(sum(d3), {x})[0];
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double t = points(i);
    EXPECT_DOUBLE_EQ(d1.value()(i), 8 * t * t * t - 9 * t * t + 1) << t;
    EXPECT_DOUBLE_EQ(d2.value()(i), 24 * t * t - 18 * t) << t;
    EXPECT_DOUBLE_EQ(d3.value()(i), 48 * t - 18) << t;
    EXPECT_DOUBLE_EQ(d4.value()(i), 48) << t;
  }
}

/// A smooth function of a (2, 3) matrix with every kind of mixed term.
V smooth(V x) {
  const V w = x.tape()->constant(random_tensor({3, 2}, 9));
  return sum(tanh(matmul(x, w))) + sum(sin(x) * exp(x * 0.5)) + mean(square(sum(x, 0)));
}

TEST(HigherOrder, HvpEqualsHessianTimesVector) {
  const Tensor<double> x = random_tensor({2, 3}, 4);
  const Tensor<double> v = random_tensor({2, 3}, 5);
  const TensorFunction<double> f = smooth;
  const Tensor<double> h = hessian<double>(f, x);
  const Tensor<double> product = hvp<double>(f, x, v);
  ASSERT_EQ(product.shape(), x.shape());
  for (std::size_t r = 0; r < x.size(); ++r) {
    double expected = 0;
    for (std::size_t c = 0; c < x.size(); ++c)
      expected += h(r, c) * v.data()[c];
    EXPECT_NEAR(product.data()[r], expected, 1e-13) << r;
  }
  // The Hessian is symmetric.
  for (std::size_t r = 0; r < x.size(); ++r) {
    for (std::size_t c = 0; c < r; ++c)
      EXPECT_NEAR(h(r, c), h(c, r), 1e-13) << r << ", " << c;
  }
}

TEST(HigherOrder, HvpWithADirectionThatDependsOnX) {
  // v = sin(x) depends on x; hvp must still be H·v (not ∂⟨∇y, v⟩/∂x, which
  // adds (∂v/∂x)ᵀ∇y), and stays differentiable through v.
  const Tensor<double> xv = random_tensor({2, 3}, 10);
  const Tensor<double> h = hessian<double>(TensorFunction<double>(smooth), xv);
  Tape<double> tape;
  const V x = tape.variable(xv);
  const V v = sin(x);
  const V hv = hvp(smooth(x), x, v);
  for (std::size_t r = 0; r < xv.size(); ++r) {
    double expected = 0;
    for (std::size_t c = 0; c < xv.size(); ++c)
      expected += h(r, c) * v.value().data()[c];
    EXPECT_NEAR(hv.value().data()[r], expected, 1e-13) << r;
  }
  EXPECT_TRUE(tape.node(hv.id()).requires_grad);
}

TEST(HigherOrder, VarAndFunctionHelpersAgree) {
  const Tensor<double> xv = random_tensor({2, 3}, 6);
  const Tensor<double> vv = random_tensor({2, 3}, 7);
  const TensorFunction<double> f = smooth;
  const TensorFunction<double> g = [](V x) { return exp(x) * sum(x); };

  Tape<double> tape;
  const V x = tape.variable(xv);
  const V y = smooth(x);
  const Tensor<double> h = hessian(y, x);
  const V hv = hvp(y, x, tape.constant(vv));
  const Tensor<double> j = jacobian(g(x), x);

  expect_near(h, hessian<double>(f, xv), 1e-14, "hessian");
  expect_near(hv.value(), hvp<double>(f, xv, vv), 1e-14, "hvp");
  expect_near(j, jacobian<double>(g, xv), 1e-14, "jacobian");
  EXPECT_EQ(hv.tape(), &tape);
  EXPECT_TRUE(tape.node(hv.id()).requires_grad) << "hvp is recorded, so it can be differentiated";

  // A non-scalar y is refused by hessian and hvp.
  EXPECT_THROW((void)hessian(exp(x), x), GradientError);
  EXPECT_THROW((void)hvp(exp(x), x, tape.constant(vv)), GradientError);
  EXPECT_THROW((void)hvp(y, x, tape.constant(random_tensor({3}, 1))), ShapeError);
}

TEST(HigherOrder, Float32SecondDerivativesMatchFloat64) {
  // float32 rounding (ε ≈ 6e-8) through ~20 recorded ops: 1e-5 relative.
  const Tensor<double> x64 = random_tensor({2, 3}, 8);
  const Tensor<float> x32 = xt::cast<float>(x64);
  const TensorFunction<double> f64 = [](V x) { return sum(sigmoid(x) * log(x * x + 1.0)); };
  const TensorFunction<float> f32 = [](Var<float> x) {
    return sum(sigmoid(x) * log(x * x + 1.0f));
  };
  const Tensor<double> h64 = hessian<double>(f64, x64);
  const Tensor<float> h32 = hessian<float>(f32, x32);
  ASSERT_EQ(h32.shape(), h64.shape());
  double scale = 0;
  for (const double v : h64)
    scale = std::max(scale, std::abs(v));
  ASSERT_GT(scale, 0.1);
  for (std::size_t i = 0; i < h64.size(); ++i)
    EXPECT_NEAR(h32.data()[i], h64.data()[i], 1e-5 * scale) << i;
}

/// A 3-5-3 tanh MLP classifying a mini-batch, with a gradient penalty:
/// total = CE(MLP(x)) + λ ‖∂CE/∂x‖².
struct PenaltyProblem {
  static constexpr double kLambda = 0.3;
  Parameter<double> w1{random_tensor({5, 3}, 20), "W1"};
  Parameter<double> b1{random_tensor({5}, 21), "b1"};
  Parameter<double> w2{random_tensor({3, 5}, 22), "W2"};
  Parameter<double> b2{random_tensor({3}, 23), "b2"};
  Tensor<double> x = random_tensor({8, 3}, 24);
  Tensor<double> labels{0, 2, 1, 1, 0, 2, 2, 1};

  /// Records the step and returns total; backward(total) fills the grads.
  V record(Tape<double>& tape) {
    const V xv = tape.variable(x, "x");
    const V h = tanh(linear(xv, tape.watch(w1), tape.watch(b1)));
    const V loss = cross_entropy(linear(h, tape.watch(w2), tape.watch(b2)), tape.constant(labels));
    const V gx = tape.gradient(loss, {xv}, {.create_graph = true})[0];
    return loss + kLambda * sum(square(gx));
  }
  double total_value() {
    Tape<double> tape;
    return record(tape).item();
  }
};

TEST(HigherOrder, GradientPenaltyStepMatchesFiniteDifferences) {
  PenaltyProblem p;
  Tape<double> tape;
  const V total = p.record(tape);
  tape.backward(total);
  const double eps = 1e-6;
  struct Probe {
    Parameter<double>* parameter;
    std::size_t index;
  };
  const std::vector<Probe> probes = {{&p.w1, 0}, {&p.w1, 7},  {&p.w1, 14}, {&p.b1, 3},
                                     {&p.w2, 0}, {&p.w2, 11}, {&p.b2, 2}};
  for (const Probe& probe : probes) {
    const double analytic = probe.parameter->grad().data()[probe.index];
    double& w = probe.parameter->value().data()[probe.index];
    const double original = w;
    w = original + eps;
    const double plus = p.total_value();
    w = original - eps;
    const double minus = p.total_value();
    w = original;
    const double numeric = (plus - minus) / (2 * eps);
    EXPECT_NEAR(analytic, numeric, 1e-7 + 1e-6 * std::abs(numeric))
        << probe.parameter->label() << "[" << probe.index << "]";
  }
  // The penalty matters: its gradient differs from the plain loss's.
  Tape<double> plain;
  const V xv = plain.constant(p.x);
  const V h = tanh(linear(xv, plain.variable(p.w1.value()), plain.variable(p.b1.value())));
  const V w2 = plain.variable(p.w2.value());
  plain.backward(
      cross_entropy(linear(h, w2, plain.variable(p.b2.value())), plain.constant(p.labels)));
  EXPECT_GT(std::abs(w2.grad()(0, 0) - p.w2.grad()(0, 0)), 1e-6);
}

TEST(HigherOrder, GradientPenaltyLoopKeepsTapeMemoryFlat) {
#if defined(__SANITIZE_ADDRESS__)
  constexpr int kIterations = 1000;
#else
  constexpr int kIterations = 10000;
#endif
  PenaltyProblem p;
  Tape<double> tape;
  std::size_t first_size = 0;
  TapeStats first;
  double first_total = 0;
  for (int i = 0; i < kIterations; ++i) {
    tape.reset();
    const V total = p.record(tape);
    tape.backward(total);
    const TapeStats stats = tape.stats();
    if (i == 0) {
      first_size = tape.size();
      first = stats;
      first_total = total.item();
      ASSERT_GT(first_size, 20u);
    } else {
      ASSERT_EQ(tape.size(), first_size) << "iteration " << i;
      ASSERT_EQ(stats.value_bytes, first.value_bytes) << "iteration " << i;
      ASSERT_EQ(stats.grad_bytes, first.grad_bytes) << "iteration " << i;
      ASSERT_EQ(stats.saved_bytes, first.saved_bytes) << "iteration " << i;
      ASSERT_EQ(stats.parameter_bytes, first.parameter_bytes) << "iteration " << i;
      ASSERT_EQ(total.item(), first_total) << "iteration " << i;
    }
    for (Parameter<double>* q : {&p.w1, &p.b1, &p.w2, &p.b2})
      q->zero_grad();
  }
}

}  // namespace
}  // namespace tapegrad
