#include "tapegrad/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "tapegrad/core/gradient_graph.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/reductions.hpp"

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

/// Fixed pseudo-random values in [−1, 1) (hand-rolled so that results do not
/// depend on the standard library's distributions).
Tensor<double> random_direction(const Shape& shape, std::uint64_t seed) {
  Tensor<double> r = Tensor<double>::from_shape(shape);
  std::mt19937_64 rng(seed);
  for (double& value : r)
    value = static_cast<double>(rng() >> 11) * 0x1.0p-52 - 1.0;
  return r;
}

/// r for L = Σ r ⊙ y: 1 for a one-element y, so that a scalar function's
/// report shows its own derivative; random otherwise.
Tensor<double> projection_for(const Tensor<double>& y, std::uint64_t seed) {
  if (y.size() == 1)
    return Tensor<double>(y.shape(), 1.0);
  return random_direction(y.shape(), seed);
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
    projection_ = projection_for(y.value(), options_.seed);
    std::vector<Tensor<double>> analytic;
    if (tape_.node(y.id()).requires_grad) {
      tape_.backward(y, projection_);
      for (const Var<double>& v : vars)
        analytic.push_back(v.grad());
    } else {  // f does not depend on its inputs at all (e.g. the gradient of a linear map)
      for (const Var<double>& v : vars)
        analytic.push_back(Tensor<double>(v.shape(), 0.0));
    }

    std::vector<TangentSeed<double>> tangents;
    for (std::size_t i = 0; i < vars.size(); ++i)
      tangents.push_back({vars[i], random_direction(vars[i].shape(), options_.seed + 1 + i)});
    GradcheckResult result;
    double forward_tolerance = 0;
    if (options_.check_forward) {
      try {
        const Tensor<double> jv = tape_.jvp({y}, tangents)[0];
        for (std::size_t k = 0; k < jv.size(); ++k)
          result.forward_analytic += projection_.data()[k] * jv.data()[k];
        result.forward_checked = true;
      } catch (const GradientError& e) {
        result.forward_skipped = e.what();
      }
    }
    double worst = -1;
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      for (std::size_t j = 0; j < inputs_[i].size(); ++j) {
        const double a = analytic[i].data()[j];
        const double n = numeric(i, j);
        const double u = tangents[i].v.data()[j];
        result.forward_numeric += n * u;
        forward_tolerance += std::abs(u) * (options_.atol + options_.rtol * std::abs(n));
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
    if (result.forward_checked &&
        !(std::abs(result.forward_analytic - result.forward_numeric) <= forward_tolerance))
      result.ok = false;
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

  const GradcheckFunction& f_;
  std::vector<Tensor<double>> inputs_;
  GradcheckOptions options_;
  Tape<double> tape_;
  Tensor<double> projection_;
};

}  // namespace

std::string GradcheckResult::report() const {
  return fmt::format(
             "gradcheck {} ({} elements); worst: input {} at {}: analytic {:.10g}, numeric "
             "{:.10g}, "
             "abs error {:.3g}, rel error {:.3g}",
             ok ? "passed" : "FAILED", checked, input, shape_to_string(position), analytic, numeric,
             abs_error, rel_error) +
         (forward_checked ? fmt::format("; forward mode ⟨r, J·u⟩: jvp {:.10g}, numeric {:.10g}",
                                        forward_analytic, forward_numeric)
                          : "; forward mode not checked" +
                                (forward_skipped.empty() ? "" : ": " + forward_skipped));
}

namespace {

/// A check that cannot check anything is a misuse, not a pass.
void check_arguments(std::string_view who, const std::vector<Tensor<double>>& inputs,
                     const GradcheckOptions& options) {
  if (inputs.empty())
    throw ValueError("needs at least one input to differentiate with respect to",
                     ErrorSite{std::string(who), std::nullopt, {}});
  if (!(options.eps > 0) || !std::isfinite(options.eps))
    throw ValueError(fmt::format("eps must be a finite step > 0, got {}", options.eps),
                     ErrorSite{std::string(who), std::nullopt, {}});
  if (!(options.atol >= 0) || !(options.rtol >= 0) || !std::isfinite(options.atol) ||
      !std::isfinite(options.rtol)) {
    throw ValueError(fmt::format("atol and rtol must be finite and >= 0, got atol {} and rtol {}",
                                 options.atol, options.rtol),
                     ErrorSite{std::string(who), std::nullopt, {}});
  }
}

}  // namespace

GradcheckResult gradcheck(const GradcheckFunction& f, const std::vector<Tensor<double>>& inputs,
                          const GradcheckOptions& options) {
  check_arguments("gradcheck", inputs, options);
  return Checker(f, inputs, options).run();
}

GradcheckResult gradgradcheck(const GradcheckFunction& f, const std::vector<Tensor<double>>& inputs,
                              const GradcheckOptions& options) {
  check_arguments("gradgradcheck", inputs, options);
  std::vector<Tensor<double>> directions;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    directions.push_back(random_direction(inputs[i].shape(), options.seed + 1 + i));
  const GradcheckFunction first_order = [&](Tape<double>& tape,
                                            const std::vector<Var<double>>& vars) {
    const Var<double> y = f(tape, vars);
    const Var<double> loss =
        y.size() == 1 ? y : sum(y * tape.constant(projection_for(y.value(), options.seed)));
    const std::vector<Var<double>> grads = tape.gradient(loss, vars, {.create_graph = true});
    Var<double> total;
    for (std::size_t i = 0; i < grads.size(); ++i) {
      const Var<double> term = sum(grads[i] * tape.constant(directions[i]));
      total = total.valid() ? total + term : term;
    }
    return total;
  };
  return gradcheck(first_order, inputs, options);
}

GradcheckResult gradgradcheck(std::string_view op_name, const std::vector<Tensor<double>>& inputs,
                              const Attributes& attributes, const GradcheckOptions& options) {
  const std::string name(op_name);
  const GradcheckFunction f = [&](Tape<double>& tape, const std::vector<Var<double>>& vars) {
    return tape.apply(name, vars, attributes);
  };
  return gradgradcheck(f, inputs, options);
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
