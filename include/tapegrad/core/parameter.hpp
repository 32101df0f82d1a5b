#pragma once
// A Parameter lives outside any tape, across training iterations. Watching it
// on a tape records a leaf that reads the parameter's value in place (no copy)
// and accumulates its gradient into parameter.grad() until zero_grad().
//
// zero_grad() costs nothing: it marks the gradient as zero, and the next
// backward writes its first contribution instead of adding it (a GEMM with
// beta = 0), so a training step never sweeps the gradients just to clear
// them. Reading grad() while marked fills in the zeros.
//
// A tape that watches a parameter notices when it is destroyed (see
// lifetime.hpp): the next use of that watch throws StaleVarError. A copy or a
// moved-to parameter is a new parameter, which no tape watches yet.

#include <string>
#include <string_view>
#include <utility>

#include "tapegrad/core/lifetime.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

template <class T>
class Parameter {
 public:
  explicit Parameter(Tensor<T> value, std::string label = {})
      : value_(std::move(value)), label_(std::move(label)) {}
  Parameter(const Parameter& other)
      : value_(other.value_),
        grad_(other.grad_),
        grad_is_zero_(other.grad_is_zero_),
        label_(other.label_) {}
  Parameter(Parameter&& other) noexcept
      : value_(std::move(other.value_)),
        grad_(std::move(other.grad_)),
        grad_is_zero_(other.grad_is_zero_),
        label_(std::move(other.label_)) {}
  Parameter& operator=(const Parameter& other) {
    if (this != &other) {
      value_ = other.value_;
      grad_ = other.grad_;
      grad_is_zero_ = other.grad_is_zero_;
      label_ = other.label_;
    }
    return *this;
  }
  Parameter& operator=(Parameter&& other) noexcept {
    value_ = std::move(other.value_);
    grad_ = std::move(other.grad_);
    grad_is_zero_ = other.grad_is_zero_;
    label_ = std::move(other.label_);
    return *this;
  }
  ~Parameter() { detail::release_lifetime(lifetime_); }

  Tensor<T>& value() noexcept { return value_; }
  const Tensor<T>& value() const noexcept { return value_; }
  const Shape& shape() const noexcept { return value_.shape(); }

  /// ∂L/∂parameter accumulated since the last zero_grad(), shaped like value().
  Tensor<T>& grad() {
    settle();
    return grad_;
  }
  /// (Fills in pending zeros, so it is not safe to call concurrently with
  /// itself on the same parameter before the first backward.)
  const Tensor<T>& grad() const {
    settle();
    return grad_;
  }

  /// Marks the gradient as zero; O(1).
  void zero_grad() noexcept { grad_is_zero_ = true; }
  /// Whether no gradient has arrived since zero_grad() (or construction).
  bool grad_is_zero() const noexcept { return grad_is_zero_; }

  /// For the tape: the buffer a contribution goes to, and whether it holds
  /// nothing yet (then the contribution is assigned, not added).
  std::pair<Tensor<T>*, bool> accumulation_target() {
    const bool fresh = grad_is_zero_ || grad_.shape() != value_.shape();
    if (fresh)
      grad_.resize(value_.shape());
    grad_is_zero_ = false;
    return {&grad_, fresh};
  }

  /// For the tape: the cell its watches check (see lifetime.hpp).
  const detail::Lifetime& lifetime() const noexcept { return lifetime_; }

  const std::string& label() const noexcept { return label_; }
  // Via a temporary: assigning a string_view trips GCC 12's -Wrestrict (PR105329).
  void set_label(std::string_view label) { label_ = std::string(label); }

 private:
  void settle() const {
    if (!grad_is_zero_ && grad_.shape() == value_.shape())
      return;
    grad_.resize(value_.shape());
    grad_.fill(T(0));
    grad_is_zero_ = false;
  }

  Tensor<T> value_;
  mutable Tensor<T> grad_;
  mutable bool grad_is_zero_ = true;
  std::string label_;
  detail::Lifetime& lifetime_ = detail::acquire_lifetime(this);
};

}  // namespace tapegrad
