#pragma once
// A gradient_ready listener whose whole update is θ ← θ + 0.5·∇θ, so the
// tape may write it straight into a parameter read by one op that accepts a
// direct update (linear's and linear_relu's W and b); the parameters it is
// still given are listed in `reported`.
#include <optional>
#include <string>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad::testing {

class HalfStep final : public GradientReadyListener<double> {
 public:
  void gradient_ready(Parameter<double>& parameter) override {
    reported.push_back(parameter.label());
    parameter.value() += 0.5 * parameter.grad();
    parameter.zero_grad();
  }
  std::optional<double> direct_update_scale(const Parameter<double>&) const override { return 0.5; }
  std::vector<std::string> reported;
};

}  // namespace tapegrad::testing
