#pragma once
// Gradient checking: the tape's analytic gradient against central finite
// differences, in float64. A non-scalar output y is reduced to L = Σ r ⊙ y
// with a fixed random r, so the whole vector-Jacobian product is checked,
// not just its sum; a one-element output is checked as it is.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/core/attributes.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

struct GradcheckOptions {
  double eps = 1e-6;        ///< finite-difference step
  double atol = 1e-6;       ///< an element passes when |analytic − numeric| ≤
  double rtol = 1e-5;       ///<   atol + rtol · |numeric|
  std::uint64_t seed = 42;  ///< for the projection r of a non-scalar output
  /// Also check forward mode: ⟨r, J·u⟩ from Tape::jvp along fixed random
  /// tangents u against the same sum of the finite differences.
  bool check_forward = true;
};

struct TAPEGRAD_EXPORT GradcheckResult {
  bool ok = true;
  std::size_t checked = 0;  ///< elements compared
  /// The worst element (largest error relative to its tolerance):
  std::size_t input = 0;  ///< which input
  Shape position;         ///< where in that input
  double analytic = 0;
  double numeric = 0;
  double abs_error = 0;
  double rel_error = 0;  ///< |analytic − numeric| / max(|analytic|, |numeric|)
  /// The forward-mode check (GradcheckOptions::check_forward): whether it
  /// ran (not when an op has neither a tangent rule nor a differentiable
  /// backprop; forward_skipped says why), and ⟨r, J·u⟩ by jvp and by finite
  /// differences. A mismatch sets ok to false.
  bool forward_checked = false;
  std::string forward_skipped;
  double forward_analytic = 0;
  double forward_numeric = 0;

  explicit operator bool() const noexcept { return ok; }
  /// One line: verdict and the worst element.
  std::string report() const;
};

/// Builds the function under test on `tape` from the input Vars.
using GradcheckFunction =
    std::function<Var<double>(Tape<double>& tape, const std::vector<Var<double>>& inputs)>;

/// Checks ∂f/∂input for every element of every input.
TAPEGRAD_EXPORT GradcheckResult gradcheck(const GradcheckFunction& f,
                                          const std::vector<Tensor<double>>& inputs,
                                          const GradcheckOptions& options = {});

/// Checks the registered op `op_name` (with `attributes`) in one call.
TAPEGRAD_EXPORT GradcheckResult gradcheck(std::string_view op_name,
                                          const std::vector<Tensor<double>>& inputs,
                                          const Attributes& attributes = {},
                                          const GradcheckOptions& options = {});

/// Checks second derivatives: the recorded gradient (create_graph) of
/// L = Σ r ⊙ f against finite differences of that gradient. It runs
/// gradcheck on h(inputs) = Σ_i ⟨∂L/∂input_i, u_i⟩ for fixed random
/// directions u_i, so every mixed second derivative is exercised.
TAPEGRAD_EXPORT GradcheckResult gradgradcheck(const GradcheckFunction& f,
                                              const std::vector<Tensor<double>>& inputs,
                                              const GradcheckOptions& options = {});

/// gradgradcheck of the registered op `op_name` (with `attributes`).
TAPEGRAD_EXPORT GradcheckResult gradgradcheck(std::string_view op_name,
                                              const std::vector<Tensor<double>>& inputs,
                                              const Attributes& attributes = {},
                                              const GradcheckOptions& options = {});

}  // namespace tapegrad
