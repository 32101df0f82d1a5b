#include "tapegrad/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>

namespace tapegrad {
namespace {

Shape unravel(std::size_t flat, const Shape& shape) {
  Shape position(shape.size(), 0);
  for (std::size_t k = shape.size(); k-- > 0;) {
    position[k] = flat % shape[k];
    flat /= shape[k];
  }
  return position;
}

class Checker {
 public:
  Checker(const GradcheckFunction& f, std::vector<Tensor<double>> inputs,
          const GradcheckOptions& options)
      : f_(f), inputs_(std::move(inputs)), options_(options) {}

  GradcheckResult run() {
    std::vector<Var<double>> vars = record();
    Var<double> y = f_(tape_, vars);
    tape_.check(y, "gradcheck");
    projection_ = projection_for(y.value());
    tape_.backward(y, projection_);
    std::vector<Tensor<double>> analytic;
    for (const Var<double>& v : vars)
      analytic.push_back(v.grad());

    GradcheckResult result;
    double worst = -1;
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      for (std::size_t j = 0; j < inputs_[i].size(); ++j) {
        const double a = analytic[i].data()[j];
        const double n = numeric(i, j);
        const double error = std::abs(a - n);
        const double ratio = error / (options_.atol + options_.rtol * std::abs(n));
        ++result.checked;
        if (!(ratio <= 1))
          result.ok = false;  // NaN fails too
        if (ratio > worst || std::isnan(ratio)) {
          worst = std::isnan(ratio) ? INFINITY : ratio;
          result.input = i;
          result.position = unravel(j, inputs_[i].shape());
          result.analytic = a;
          result.numeric = n;
          result.abs_error = error;
          const double scale = std::max(std::abs(a), std::abs(n));
          result.rel_error = scale > 0 ? error / scale : 0;
        }
      }
    }
    return result;
  }

 private:
  std::vector<Var<double>> record() {
    tape_.reset();
    std::vector<Var<double>> vars;
    for (const Tensor<double>& input : inputs_)
      vars.push_back(tape_.variable(input));
    return vars;
  }

  /// L = Σ r ⊙ f(inputs), evaluated without recording gradients.
  double projected_value() {
    std::vector<Var<double>> vars = record();
    const Tensor<double>& y = f_(tape_, vars).value();
    double total = 0;
    for (std::size_t k = 0; k < y.size(); ++k)
      total += projection_.data()[k] * y.data()[k];
    return total;
  }

  double numeric(std::size_t i, std::size_t j) {
    double& x = inputs_[i].data()[j];
    const double original = x;
    x = original + options_.eps;
    const double plus = projected_value();
    x = original - options_.eps;
    const double minus = projected_value();
    x = original;
    return (plus - minus) / (2 * options_.eps);
  }

  /// r for L = Σ r ⊙ y: 1 for a one-element y, so that a scalar function's
  /// report shows its own derivative; random otherwise.
  Tensor<double> projection_for(const Tensor<double>& y) const {
    Tensor<double> r = Tensor<double>::from_shape(y.shape());
    if (y.size() == 1) {
      r.fill(1);
      return r;
    }
    std::mt19937_64 rng(options_.seed);
    std::normal_distribution<double> normal;
    for (double& value : r)
      value = normal(rng);
    return r;
  }

  const GradcheckFunction& f_;
  std::vector<Tensor<double>> inputs_;
  GradcheckOptions options_;
  Tape<double> tape_;
  Tensor<double> projection_;
};

}  // namespace

std::string GradcheckResult::report() const {
  return fmt::format(
      "gradcheck {} ({} elements); worst: input {} at {}: analytic {:.10g}, numeric {:.10g}, "
      "abs error {:.3g}, rel error {:.3g}",
      ok ? "passed" : "FAILED", checked, input, shape_to_string(position), analytic, numeric,
      abs_error, rel_error);
}

GradcheckResult gradcheck(const GradcheckFunction& f, const std::vector<Tensor<double>>& inputs,
                          const GradcheckOptions& options) {
  return Checker(f, inputs, options).run();
}

GradcheckResult gradcheck(std::string_view op_name, const std::vector<Tensor<double>>& inputs,
                          const Attributes& attributes, const GradcheckOptions& options) {
  const std::string name(op_name);
  const GradcheckFunction f = [&](Tape<double>& tape, const std::vector<Var<double>>& vars) {
    return tape.apply(name, vars, attributes);
  };
  return gradcheck(f, inputs, options);
}

}  // namespace tapegrad
