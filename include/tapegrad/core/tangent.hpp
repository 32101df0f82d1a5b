#pragma once
// Forward mode: what an op's tangent rule works through. See Tape::jvp.
//
// A tangent rule is the forward twin of backprop: given the tangents ẋ_i of
// the inputs (directional derivatives along the seeded direction), it adds
// ẏ = Σ_i (∂y/∂x_i)·ẋ_i into the output's tangent with ctx.accumulate(expr).
// An input whose tangent is zero (nothing seeded reaches it) is reported by
// has_tangent(i) = false and must be skipped. Ops without a rule return false
// from Operation::tangent() and the tape falls back to the double-VJP
// construction (tape_jvp.cpp).

#include <cstddef>
#include <string>
#include <vector>

#include "tapegrad/core/error.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad {

/// One entry of Tape::jvp's seed: the tangent `v` (of x's shape) of leaf `x`.
template <class T>
struct TangentSeed {
  Var<T> x;
  Tensor<T> v;
};

template <class T>
class TangentContext : public detail::NodeView<T> {
 public:
  /// `tangents` holds, by node id, each node's tangent (null: zero).
  TangentContext(NodeStore<T>& nodes, NodeId id, const NodeId* inputs,
                 const std::vector<const Tensor<T>*>& tangents, Tensor<T>& result) noexcept
      : detail::NodeView<T>(nodes, id, inputs), tangents_(tangents), result_(result) {}

  const Tensor<T>& output() const { return this->node().value(); }
  const Tensor<T>& saved(std::size_t k) const noexcept { return this->node().data->saved[k]; }
  bool has_tangent(std::size_t i) const noexcept { return tangents_[this->input_id(i)] != nullptr; }
  /// ẋ_i, shaped like input i; only when has_tangent(i).
  const Tensor<T>& tangent(std::size_t i) const { return *tangents_[this->input_id(i)]; }

  /// ẋ_i's elements, or null when input i has no tangent.
  const T* tangent_or_null(std::size_t i) const {
    return has_tangent(i) ? tangents_[this->input_id(i)]->data() : nullptr;
  }

  /// Adds `contribution` (an expression of the output's shape) to ẏ.
  template <class E>
  void accumulate(const E& contribution) {
    const auto& shape = contribution.shape();
    const Shape got(shape.begin(), shape.end());
    if (got != this->node().shape()) {
      throw ShapeError("tangent rule produced a tangent of shape " + shape_to_string(got) +
                           " for an output of shape " + shape_to_string(this->node().shape()),
                       this->site());
    }
    if (!written_) {
      result_ = contribution;
      written_ = true;
    } else {
      xt::noalias(result_) += contribution;
    }
  }
  /// ẏ's buffer, shaped like the output, for a rule that writes it with its
  /// own kernel (replacing whatever was accumulated before).
  Tensor<T>& output_tangent() {
    result_.resize(this->node().shape());
    written_ = true;
    return result_;
  }
  /// Whether accumulate() or output_tangent() was called (false: the tangent is zero).
  bool written() const noexcept { return written_; }

 private:
  const std::vector<const Tensor<T>*>& tangents_;
  Tensor<T>& result_;
  bool written_ = false;
};

}  // namespace tapegrad
