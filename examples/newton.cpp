// Gradients of gradients at work: Newton's method with the Hessian tapegrad
// records (hessian()), against plain gradient descent, on an L2-regularised
// logistic regression; then the second derivative of the lecture's loss with
// respect to one weight, by differentiating its recorded gradient.
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string_view>

#include <tapegrad/derivatives.hpp>
#include <tapegrad/tapegrad.hpp>

#include "lecture/network.hpp"

namespace {

using tapegrad::Tape;
using tapegrad::Tensor;
using tapegrad::Var;

constexpr std::size_t kPoints = 200;
constexpr double kLambda = 0.01;     // L2 weight: keeps the optimum finite
constexpr double kTolerance = 1e-8;  // stop when ‖∇J‖ < this
constexpr int kMaxIterations = 200000;

/// Two Gaussian clouds in 2-D, overlapping a little; a column of ones for the
/// bias. Labels 0 and 1.
struct Data {
  Tensor<double> x = Tensor<double>::from_shape({kPoints, 3});
  Tensor<double> t = Tensor<double>::from_shape({kPoints});
};

Data make_data() {
  std::mt19937_64 rng(2026);
  std::normal_distribution<double> noise(0.0, 1.0);
  Data d;
  for (std::size_t i = 0; i < kPoints; ++i) {
    const bool positive = i % 2 == 1;
    const double cx = positive ? 1.0 : -1.0;
    const double cy = positive ? 0.5 : -0.5;
    d.x(i, 0) = cx + noise(rng);
    d.x(i, 1) = cy + noise(rng);
    d.x(i, 2) = 1.0;
    d.t(i) = positive ? 1.0 : 0.0;
  }
  return d;
}

/// J(θ) = mean binary cross-entropy of sigmoid(X·θ) + λ/2 ‖θ‖².
Var<double> objective(const Data& d, Var<double> theta) {
  Tape<double>& tape = *theta.tape();
  const Var<double> logits = tapegrad::matmul(tape.constant(d.x), theta);
  return tapegrad::binary_cross_entropy(logits, tape.constant(d.t)) +
         (kLambda / 2) * tapegrad::sum(tapegrad::square(theta));
}

struct Evaluation {
  double loss = 0;
  Tensor<double> gradient;
  double gradient_norm = 0;
};

Evaluation evaluate(const Data& d, const Tensor<double>& theta) {
  Tape<double> tape;
  const Var<double> th = tape.variable(theta, "θ");
  const Var<double> j = objective(d, th);
  Evaluation e;
  e.loss = j.item();
  e.gradient = tape.gradient(j, {th})[0].value();
  for (const double g : e.gradient)
    e.gradient_norm += g * g;
  e.gradient_norm = std::sqrt(e.gradient_norm);
  return e;
}

/// Solves the 3×3 system H d = g by Gaussian elimination with partial pivoting.
Tensor<double> solve(Tensor<double> h, Tensor<double> g) {
  const std::size_t n = g.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t pivot = k;
    for (std::size_t r = k + 1; r < n; ++r) {
      if (std::abs(h(r, k)) > std::abs(h(pivot, k)))
        pivot = r;
    }
    for (std::size_t c = 0; c < n; ++c)
      std::swap(h(k, c), h(pivot, c));
    std::swap(g(k), g(pivot));
    for (std::size_t r = k + 1; r < n; ++r) {
      const double factor = h(r, k) / h(k, k);
      for (std::size_t c = k; c < n; ++c)
        h(r, c) -= factor * h(k, c);
      g(r) -= factor * g(k);
    }
  }
  Tensor<double> d = Tensor<double>::from_shape({n});
  for (std::size_t k = n; k-- > 0;) {
    double s = g(k);
    for (std::size_t c = k + 1; c < n; ++c)
      s -= h(k, c) * d(c);
    d(k) = s / h(k, k);
  }
  return d;
}

struct Run {
  int iterations = 0;
  double loss = 0;
  double gradient_norm = 0;
};

Run newton(const Data& d) {
  Tensor<double> theta(tapegrad::Shape{3}, 0.0);
  const tapegrad::TensorFunction<double> j = [&d](Var<double> th) { return objective(d, th); };
  Run run;
  for (;; ++run.iterations) {
    const Evaluation e = evaluate(d, theta);
    run.loss = e.loss;
    run.gradient_norm = e.gradient_norm;
    if (e.gradient_norm < kTolerance || run.iterations == kMaxIterations)
      return run;
    const Tensor<double> h = tapegrad::hessian<double>(j, theta);  // 3×3, recorded gradient
    theta -= solve(h, e.gradient);
  }
}

Run gradient_descent(const Data& d) {
  // Step 1/L with L = ¼·λmax(XᵀX/n) + λ ≤ ¼·trace(XᵀX)/n + λ, a bound on the
  // Hessian's largest eigenvalue: the classic safe step.
  double trace = 0;
  for (const double v : d.x)
    trace += v * v;
  const double step = 1 / (0.25 * trace / kPoints + kLambda);
  Tensor<double> theta(tapegrad::Shape{3}, 0.0);
  Run run;
  for (;; ++run.iterations) {
    const Evaluation e = evaluate(d, theta);
    run.loss = e.loss;
    run.gradient_norm = e.gradient_norm;
    if (e.gradient_norm < kTolerance || run.iterations == kMaxIterations)
      return run;
    theta -= step * e.gradient;
  }
}

/// The leaf a watched parameter labelled `label` was recorded as.
Var<double> find_leaf(Tape<double>& tape, std::string_view label) {
  for (tapegrad::NodeId id = 0; id < tape.size(); ++id) {
    if (tape.node(id).is_leaf() && tape.node(id).label == label)
      return tape.var(id);
  }
  throw std::runtime_error("no leaf labelled " + std::string(label));
}

/// ∂L/∂W(1)₀₀ of the lecture's network by an ordinary backward().
double first_derivative(lecture::Network& net) {
  Tape<double> tape;
  net.zero_grad();
  tape.backward(net.forward(tape).loss);
  const double g = net.w1.grad()(0, 0);
  net.zero_grad();
  return g;
}

}  // namespace

int main() {
  const Data data = make_data();
  const Run n = newton(data);
  const Run gd = gradient_descent(data);
  std::printf("Logistic regression, %zu points, L2 lambda %g, stop at |grad| < %g\n", kPoints,
              kLambda, kTolerance);
  std::printf("  Newton (hessian):  %6d iterations, final loss %.12f, |grad| %.2e\n", n.iterations,
              n.loss, n.gradient_norm);
  std::printf("  gradient descent:  %6d iterations, final loss %.12f, |grad| %.2e\n", gd.iterations,
              gd.loss, gd.gradient_norm);
  const bool converged = n.gradient_norm < kTolerance && gd.gradient_norm < kTolerance;
  const bool same_optimum = std::abs(n.loss - gd.loss) < 1e-12;

  // The lecture's network: d²L/dW(1)₀₀² as the gradient of a recorded gradient.
  lecture::Network net;
  Tape<double> tape;
  const Var<double> loss = net.forward(tape).loss;
  const Var<double> w1 = find_leaf(tape, "W(1)");
  const Var<double> g = tape.gradient(loss, {w1}, {.create_graph = true})[0];  // ∂L/∂W(1), 2×2
  const Var<double> g00 = tapegrad::sum(g * tape.constant(Tensor<double>{{1, 0}, {0, 0}}));
  const double second = tape.gradient(g00, {w1})[0].value()(0, 0);

  const double eps = 1e-5;
  double& w = net.w1.value()(0, 0);
  const double original = w;
  w = original + eps;
  const double plus = first_derivative(net);
  w = original - eps;
  const double minus = first_derivative(net);
  w = original;
  const double numeric = (plus - minus) / (2 * eps);
  const bool second_ok = std::abs(second - numeric) <= 1e-8 * std::max(1.0, std::abs(numeric));
  std::printf(
      "Lecture network: dL/dW(1)00 = %.10f, d2L/dW(1)00^2 = %.10e "
      "(finite difference of the gradient %.10e)\n",
      g00.item(), second, numeric);

  const bool ok = converged && same_optimum && n.iterations < gd.iterations && second_ok;
  std::printf("%s\n", ok ? "newton: PASS" : "newton: FAIL");
  return ok ? 0 : 1;
}
