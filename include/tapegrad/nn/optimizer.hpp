#pragma once
// What every optimiser shares: the parameters it updates (which must outlive
// it), in one or more groups with their own learning rate and weight decay
// (parameter_groups.hpp), and the step contract — step() applies one update to
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
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tapegrad/core/gradient_ready.hpp"
#include "tapegrad/core/parameter.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/parameter_groups.hpp"

namespace tapegrad::nn {

template <class T>
class TAPEGRAD_EXPORT Optimizer : public GradientReadyListener<T> {
 public:
  /// One group: every parameter at `learning_rate`, no weight decay. Throws
  /// ValueError for a null parameter or a learning rate that is not positive
  /// and finite; `name` ("adam") prefixes those messages.
  Optimizer(std::vector<Parameter<T>*> parameters, T learning_rate, std::string name);
  /// Several groups; also ValueError for a weight decay that is not finite
  /// and ≥ 0, or a parameter in two groups.
  Optimizer(std::vector<ParameterGroup<T>> groups, std::string name);
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

  std::size_t group_count() const noexcept { return groups_.size(); }
  /// The current rate of a group (the first by default).
  T learning_rate(std::size_t group = 0) const { return groups_.at(group).learning_rate; }
  /// The rate the group was built with, which schedulers scale.
  T base_learning_rate(std::size_t group = 0) const { return groups_.at(group).base_rate; }
  T weight_decay(std::size_t group = 0) const { return groups_.at(group).weight_decay; }
  /// Every group's rate, between steps. A rate of 0 is allowed (a schedule's
  /// first warmup step); ValueError for a negative or non-finite one.
  void set_learning_rate(T learning_rate);
  void set_learning_rate(std::size_t group, T learning_rate);
  /// Every parameter, group after group.
  const std::vector<Parameter<T>*>& parameters() const noexcept { return parameters_; }
  /// The group of parameters()[k].
  std::size_t group_of(std::size_t k) const { return group_of_.at(k); }
  const std::string& name() const noexcept { return name_; }

  /// The state a checkpoint must keep for parameters()[k] to resume
  /// training: named tensors shaped like the parameter ("m", "v",
  /// "velocity") and counters ("step"); none for plain SGD.
  struct State {
    std::vector<std::pair<std::string, Tensor<T>*>> tensors;
    std::vector<std::pair<std::string, std::uint64_t*>> counters;
  };
  virtual State state(std::size_t k);

 protected:
  /// k such that parameters()[k] is `parameter`, if it is one of them.
  std::optional<std::size_t> index_of(const Parameter<T>& parameter) const {
    const auto found = index_.find(&parameter);
    return found == index_.end() ? std::nullopt : std::optional<std::size_t>(found->second);
  }
  /// Applies the accumulated gradient to parameters()[k] (which has one).
  virtual void update(std::size_t k) = 0;
  /// Throws ValueError naming this optimiser.
  [[noreturn]] void fail(const std::string& message) const;
  /// The rate and weight decay of parameters()[k]'s group.
  T rate_of(std::size_t k) const noexcept { return groups_[group_of_[k]].learning_rate; }
  T decay_of(std::size_t k) const noexcept { return groups_[group_of_[k]].weight_decay; }

  std::vector<Parameter<T>*> parameters_;
  std::string name_;

 private:
  struct Group {
    T learning_rate;
    T base_rate;
    T weight_decay;
  };
  std::vector<Group> groups_;
  std::vector<std::size_t> group_of_;                           // per parameter
  std::unordered_map<const Parameter<T>*, std::size_t> index_;  // into parameters_
};

}  // namespace tapegrad::nn
