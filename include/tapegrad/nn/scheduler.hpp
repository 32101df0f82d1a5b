#pragma once
// A schedule attached to an optimiser: the scheduler owns the step counter k
// and sets every group's rate to its base rate times the schedule's factor,
// schedule(k) / schedule.base() — so groups built with different rates keep
// their ratio. As in PyTorch, construction applies k = 0 and step() follows
// each optimiser step:
//
//   nn::LrScheduler<float> scheduler(adam, nn::CosineAnnealing(1e-3, total, 0, warmup));
//   for (…) { …; adam.step(); scheduler.step(); }

#include <cstddef>
#include <functional>

#include "tapegrad/export.hpp"
#include "tapegrad/nn/optimizer.hpp"
#include "tapegrad/nn/schedule.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT LrScheduler {
 public:
  /// factor(k) multiplies each group's base rate at step k (≥ 0 and finite,
  /// else set_learning_rate's ValueError). The optimiser must outlive this.
  LrScheduler(Optimizer<T>& optimizer, std::function<double(std::size_t)> factor);
  LrScheduler(Optimizer<T>& optimizer, const StepDecay& schedule);
  LrScheduler(Optimizer<T>& optimizer, const CosineAnnealing& schedule);

  /// k ← k + 1, and the rates of step k.
  void step();
  /// Steps taken so far (k).
  std::size_t position() const noexcept { return position_; }
  /// Jumps to step k (resuming from a checkpoint) and sets its rates.
  void set_position(std::size_t k);
  /// The factor of the current step.
  double factor() const { return factor_(position_); }

 private:
  void apply(std::size_t k);

  Optimizer<T>& optimizer_;
  std::function<double(std::size_t)> factor_;
  std::size_t position_ = 0;
};

}  // namespace tapegrad::nn
