#include "tapegrad/nn/scheduler.hpp"

#include <utility>

namespace tapegrad::nn {
namespace {

/// schedule(k) / base: the factor each group's own base rate is scaled by.
template <class Schedule>
std::function<double(std::size_t)> relative(const Schedule& schedule) {
  return [schedule](std::size_t k) { return schedule(k) / schedule.base(); };
}

}  // namespace

template <class T>
LrScheduler<T>::LrScheduler(Optimizer<T>& optimizer, std::function<double(std::size_t)> factor)
    : optimizer_(optimizer), factor_(std::move(factor)) {
  apply(0);
}

template <class T>
LrScheduler<T>::LrScheduler(Optimizer<T>& optimizer, const StepDecay& schedule)
    : LrScheduler(optimizer, relative(schedule)) {}

template <class T>
LrScheduler<T>::LrScheduler(Optimizer<T>& optimizer, const CosineAnnealing& schedule)
    : LrScheduler(optimizer, relative(schedule)) {}

template <class T>
void LrScheduler<T>::step() {
  set_position(position_ + 1);
}

template <class T>
void LrScheduler<T>::set_position(std::size_t k) {
  apply(k);
  position_ = k;  // only once the rates are set
}

template <class T>
void LrScheduler<T>::apply(std::size_t k) {
  const double factor = factor_(k);
  for (std::size_t g = 0; g < optimizer_.group_count(); ++g) {
    optimizer_.set_learning_rate(
        g, static_cast<T>(static_cast<double>(optimizer_.base_learning_rate(g)) * factor));
  }
}

template class LrScheduler<float>;
template class LrScheduler<double>;

}  // namespace tapegrad::nn
