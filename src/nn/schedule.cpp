#include "tapegrad/nn/schedule.hpp"

#include <cmath>

#include <fmt/format.h>

#include "tapegrad/core/error.hpp"

namespace tapegrad::nn {
namespace {

[[noreturn]] void fail(const char* schedule, const std::string& message) {
  throw ValueError(message, {schedule, std::nullopt, {}});
}

}  // namespace

StepDecay::StepDecay(double base, std::size_t every, double gamma)
    : base_(base), every_(every), gamma_(gamma) {
  if (!(base > 0) || !std::isfinite(base))
    fail("step_decay", fmt::format("the base rate must be positive and finite, got {}", base));
  if (every == 0)
    fail("step_decay", "the decay interval must be at least 1 step");
  if (!(gamma > 0 && gamma <= 1))
    fail("step_decay", fmt::format("gamma must be in (0, 1], got {}", gamma));
}

double StepDecay::operator()(std::size_t k) const {
  return base_ * std::pow(gamma_, static_cast<double>(k / every_));
}

CosineAnnealing::CosineAnnealing(double base, std::size_t total, double minimum, std::size_t warmup)
    : base_(base), total_(total), minimum_(minimum), warmup_(warmup) {
  if (!(base > 0) || !std::isfinite(base))
    fail("cosine", fmt::format("the base rate must be positive and finite, got {}", base));
  if (!(minimum >= 0 && minimum < base))
    fail("cosine", fmt::format("the minimum must be in [0, base = {}), got {}", base, minimum));
  if (warmup >= total)
    fail("cosine", fmt::format("warmup ({} steps) must be shorter than the schedule ({} steps)",
                               warmup, total));
}

double CosineAnnealing::operator()(std::size_t k) const {
  if (k < warmup_)  // k + 1 here would reach the base at k = w − 1 and again at w
    return base_ * static_cast<double>(k) / static_cast<double>(warmup_);
  if (k >= total_)
    return minimum_;
  constexpr double kPi = 3.14159265358979323846;
  const double progress = static_cast<double>(k - warmup_) / static_cast<double>(total_ - warmup_);
  return minimum_ + (base_ - minimum_) * 0.5 * (1.0 + std::cos(kPi * progress));
}

}  // namespace tapegrad::nn
