#pragma once
// A Parameter lives outside any tape, across training iterations. Watching it
// on a tape records a leaf that reads the parameter's value in place (no copy)
// and accumulates its gradient into parameter.grad() until zero_grad().

#include <string>
#include <string_view>
#include <utility>

#include <xtensor/xbuilder.hpp>

#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

template <class T>
class Parameter {
 public:
  explicit Parameter(Tensor<T> value, std::string label = {})
      : value_(std::move(value)), grad_(xt::zeros<T>(value_.shape())), label_(std::move(label)) {}

  Tensor<T>& value() noexcept { return value_; }
  const Tensor<T>& value() const noexcept { return value_; }
  Tensor<T>& grad() noexcept { return grad_; }
  const Tensor<T>& grad() const noexcept { return grad_; }
  const Shape& shape() const noexcept { return value_.shape(); }

  /// Sets the gradient to zeros of the value's shape (reusing its buffer).
  void zero_grad() {
    grad_.resize(value_.shape());
    grad_.fill(T(0));
  }

  const std::string& label() const noexcept { return label_; }
  // Via a temporary: assigning a string_view trips GCC 12's -Wrestrict (PR105329).
  void set_label(std::string_view label) { label_ = std::string(label); }

 private:
  Tensor<T> value_;
  Tensor<T> grad_;
  std::string label_;
};

}  // namespace tapegrad
