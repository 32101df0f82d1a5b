#pragma once
// Learning-rate schedules: the rate to use at step (or epoch) k, counted from
// 0. Set it with optimizer.set_learning_rate(schedule(k)) before the step.

#include <cstddef>

#include "tapegrad/export.hpp"

namespace tapegrad::nn {

/// α · γ^⌊k / every⌋: the rate drops by γ every `every` steps.
class TAPEGRAD_EXPORT StepDecay {
 public:
  /// Throws ValueError unless base > 0, every > 0 and γ in (0, 1].
  StepDecay(double base, std::size_t every, double gamma);
  double operator()(std::size_t k) const;

 private:
  double base_;
  std::size_t every_;
  double gamma_;
};

/// Linear warmup from base/warmup to base over the first `warmup` steps, then
/// cosine annealing from base down to `minimum` at step `total`; `minimum`
/// from then on.
class TAPEGRAD_EXPORT CosineAnnealing {
 public:
  /// Throws ValueError unless 0 ≤ minimum < base and warmup < total.
  CosineAnnealing(double base, std::size_t total, double minimum = 0.0, std::size_t warmup = 0);
  double operator()(std::size_t k) const;

 private:
  double base_;
  std::size_t total_;
  double minimum_;
  std::size_t warmup_;
};

}  // namespace tapegrad::nn
