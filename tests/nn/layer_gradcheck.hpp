#pragma once
// Gradient checks for layers: their parameters live outside the tape, so
// tapegrad::gradcheck (which differentiates Var inputs) cannot perturb them.
// This one perturbs every element of the input and of each parameter in
// place and compares central differences of L = Σ r ⊙ f(x) (r fixed random)
// with the gradients one backward gives, in float64.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad::testing {

/// Records the layer on `tape` applied to x (a variable, or a constant for ids).
using LayerFunction = std::function<Var<double>(Tape<double>& tape, Var<double> x)>;

struct LayerGradcheckOptions {
  bool input_is_differentiable = true;  ///< false for ids
  double eps = 1e-6;
  double atol = 1e-8;
  double rtol = 1e-6;
};

namespace detail {

inline double layer_loss(const LayerFunction& f, const Tensor<double>& x, const Tensor<double>& r,
                         bool differentiable) {
  Tape<double> tape;
  Var<double> input = differentiable ? tape.variable(x) : tape.constant(x);
  return sum(f(tape, input) * tape.constant(r)).item();
}

/// Central differences of the loss in each element of `values`, against `analytic`.
inline void expect_matches_differences(const std::string& what, Tensor<double>& values,
                                       const Tensor<double>& analytic,
                                       const std::function<double()>& loss,
                                       const LayerGradcheckOptions& o) {
  ASSERT_EQ(values.shape(), analytic.shape()) << what;
  std::size_t failures = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double saved = values.flat(i);
    values.flat(i) = saved + o.eps;
    const double up = loss();
    values.flat(i) = saved - o.eps;
    const double down = loss();
    values.flat(i) = saved;
    const double numeric = (up - down) / (2 * o.eps);
    if (std::abs(analytic.flat(i) - numeric) > o.atol + o.rtol * std::abs(numeric) &&
        failures++ < 3) {
      ADD_FAILURE() << what << " element " << i << ": analytic " << analytic.flat(i) << ", numeric "
                    << numeric;
    }
  }
  EXPECT_EQ(failures, 0u) << what;
}

}  // namespace detail

/// Checks ∂L/∂x (unless x holds ids) and ∂L/∂p for every p in `parameters`.
inline void expect_layer_gradients(const LayerFunction& f, Tensor<double> x,
                                   const std::vector<Parameter<double>*>& parameters,
                                   const LayerGradcheckOptions& o = {}) {
  Tensor<double> r;
  Tensor<double> input_grad;
  {
    Tape<double> tape;
    Var<double> input = o.input_is_differentiable ? tape.variable(x) : tape.constant(x);
    Var<double> y = f(tape, input);
    r = random_tensor<double>(y.shape(), 99);
    for (Parameter<double>* p : parameters)
      p->zero_grad();
    tape.backward(sum(y * tape.constant(r)));
    if (o.input_is_differentiable)
      input_grad = input.grad();
  }
  const auto loss = [&] { return detail::layer_loss(f, x, r, o.input_is_differentiable); };
  if (o.input_is_differentiable)
    detail::expect_matches_differences("input", x, input_grad, loss, o);
  for (Parameter<double>* p : parameters) {
    const Tensor<double> analytic = p->grad();
    detail::expect_matches_differences(p->label(), p->value(), analytic, loss, o);
  }
}

/// ‖actual − expected‖∞ / ‖expected‖∞ (the whole array's scale, so that
/// elements near zero are not held to a relative bound they cannot meet).
inline double max_relative_difference(const Tensor<double>& actual,
                                      const Tensor<double>& expected) {
  if (actual.shape() != expected.shape())
    return INFINITY;
  double worst = 0, scale = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    worst = std::max(worst, std::abs(actual.flat(i) - expected.flat(i)));
    scale = std::max(scale, std::abs(expected.flat(i)));
  }
  return scale == 0 ? worst : worst / scale;
}

}  // namespace tapegrad::testing
