#pragma once
// The Reduction attribute shared by the losses ("mean": 1 or 0).

#include <array>
#include <string>
#include <string_view>

#include "ops/support.hpp"
#include "tapegrad/ops/losses.hpp"

namespace tapegrad::ops {

/// The attribute names of a loss (its kAttributes).
inline constexpr std::array<std::string_view, 1> kReductionAttributes{"mean"};

inline Reduction reduction_from(const Attributes& a, Reduction fallback) {
  const double* mean = a.find("mean");
  if (!mean)
    return fallback;
  return *mean != 0 ? Reduction::mean : Reduction::sum;
}

inline Attributes reduction_attributes(Reduction reduction) {
  return {{"mean", reduction == Reduction::mean ? 1.0 : 0.0}};
}

/// 1 for a sum, 1 / samples for a mean (an empty batch's mean is an error,
/// naming the shape of the loss's first input).
template <class T>
T reduction_factor(Reduction reduction, std::size_t samples, const detail::NodeView<T>& ctx) {
  if (reduction == Reduction::sum)
    return T(1);
  if (samples == 0) {
    throw ValueError("the mean over an empty batch is undefined (input of shape " +
                         shape_to_string(ctx.input(0).shape()) + ")",
                     ctx.site());
  }
  return T(1) / static_cast<T>(samples);
}

/// Throws ShapeError unless the loss's two inputs (called `first` and
/// `second` in the message) have the same shape.
template <class T>
void require_same_shapes(const detail::NodeView<T>& ctx, std::string_view first,
                         std::string_view second) {
  const Shape& a = ctx.input(0).shape();
  const Shape& b = ctx.input(1).shape();
  if (a != b) {
    throw ShapeError(std::string(first) + " " + shape_to_string(a) + " and " + std::string(second) +
                         " " + shape_to_string(b) + " must have the same shape",
                     ctx.site());
  }
}

}  // namespace tapegrad::ops
