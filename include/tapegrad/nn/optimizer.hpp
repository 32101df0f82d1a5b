#pragma once
// What every optimiser shares: the parameters it updates (which must outlive
// it), a learning rate, and the step contract — step() applies one update to
// every parameter that received a gradient, then clears the gradients
// (Parameter::zero_grad, O(1)). Optimiser state is allocated when the
// optimiser is built, so steps allocate nothing.
//
// Every optimiser is also a GradientReadyListener: pass it to backward()
//   tape.backward(loss, {.gradient_ready = &optimizer});
// and each parameter gets the same update the moment its gradient is final,
// during the sweep, while that gradient is still in cache; no step() follows.
// The result is the same as backward() then step(), bit for bit — except
// where plain SGD's update is written inside the layer's weight GEMM (see
// Sgd::direct_update_scale), which is equal up to rounding.

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "tapegrad/core/gradient_ready.hpp"
#include "tapegrad/core/parameter.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT Optimizer : public GradientReadyListener<T> {
 public:
  /// Throws ValueError for a null parameter or a learning rate that is not
  /// positive and finite; `name` ("adam") prefixes those messages.
  Optimizer(std::vector<Parameter<T>*> parameters, T learning_rate, std::string name);
  virtual ~Optimizer();
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// One update from the accumulated gradients of every parameter that has
  /// one, then zero_grad().
  void step();
  /// The update of one parameter, then its zero_grad(); for backward()'s
  /// gradient_ready. A parameter this optimiser was not given is left alone.
  void gradient_ready(Parameter<T>& parameter) final;
  /// Marks every parameter's gradient as zero.
  void zero_grad();

  T learning_rate() const noexcept { return learning_rate_; }
  /// For schedules: call between steps.
  void set_learning_rate(T learning_rate);
  const std::vector<Parameter<T>*>& parameters() const noexcept { return parameters_; }
  const std::string& name() const noexcept { return name_; }

 protected:
  /// Whether `parameter` is one of parameters().
  bool holds(const Parameter<T>& parameter) const { return index_.count(&parameter) != 0; }
  /// Applies the accumulated gradient to parameters()[k] (which has one).
  virtual void update(std::size_t k) = 0;
  /// Throws ValueError naming this optimiser.
  [[noreturn]] void fail(const std::string& message) const;

  std::vector<Parameter<T>*> parameters_;
  T learning_rate_;
  std::string name_;

 private:
  std::unordered_map<const Parameter<T>*, std::size_t> index_;  // into parameters_
};

}  // namespace tapegrad::nn
