#pragma once
// Learning-rate schedules: the rate to use at step (or epoch) k, counted from
// 0. Attach one to an optimiser with an LrScheduler (scheduler.hpp), or set
// it by hand with optimizer.set_learning_rate(schedule(k)) before the step.

#include <cstddef>

#include "tapegrad/export.hpp"

namespace tapegrad::nn {

/// α · γ^⌊k / every⌋: the rate drops by γ every `every` steps.
class TAPEGRAD_EXPORT StepDecay {
 public:
  /// Throws ValueError unless base > 0, every > 0 and γ in (0, 1].
  StepDecay(double base, std::size_t every, double gamma);
  double operator()(std::size_t k) const;
  double base() const noexcept { return base_; }

 private:
  double base_;
  std::size_t every_;
  double gamma_;
};

/// Hugging Face transformers' get_cosine_schedule_with_warmup, with a floor:
/// a linear warmup base·k/w for k < w (0 at k = 0), then half a cosine from
/// base at k = w down to `minimum` at k = total, and `minimum` from then on.
/// The base rate is reached once, at k = w.
class TAPEGRAD_EXPORT CosineAnnealing {
 public:
  /// Throws ValueError unless 0 ≤ minimum < base and warmup < total.
  CosineAnnealing(double base, std::size_t total, double minimum = 0.0, std::size_t warmup = 0);
  double operator()(std::size_t k) const;
  double base() const noexcept { return base_; }

 private:
  double base_;
  std::size_t total_;
  double minimum_;
  std::size_t warmup_;
};

}  // namespace tapegrad::nn
