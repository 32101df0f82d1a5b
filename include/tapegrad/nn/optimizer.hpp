#pragma once
// What every optimiser shares: the parameters it updates (which must outlive
// it), a learning rate, and the step contract — step() applies one update to
// every parameter that received a gradient, then clears the gradients
// (Parameter::zero_grad, O(1)). Optimiser state is allocated when the
// optimiser is built, so steps allocate nothing.

#include <string>
#include <vector>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT Optimizer {
 public:
  /// Throws ValueError for a null parameter or a learning rate that is not
  /// positive and finite; `name` ("adam") prefixes those messages.
  Optimizer(std::vector<Parameter<T>*> parameters, T learning_rate, std::string name);
  virtual ~Optimizer();
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// One update from the accumulated gradients, then zero_grad().
  virtual void step() = 0;
  /// Marks every parameter's gradient as zero.
  void zero_grad();

  T learning_rate() const noexcept { return learning_rate_; }
  /// For schedules: call between steps.
  void set_learning_rate(T learning_rate);
  const std::vector<Parameter<T>*>& parameters() const noexcept { return parameters_; }
  const std::string& name() const noexcept { return name_; }

 protected:
  /// Throws ValueError naming this optimiser.
  [[noreturn]] void fail(const std::string& message) const;

  std::vector<Parameter<T>*> parameters_;
  T learning_rate_;
  std::string name_;
};

}  // namespace tapegrad::nn
