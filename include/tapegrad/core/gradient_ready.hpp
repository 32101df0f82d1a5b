#pragma once
// A listener backward() calls the moment a watched parameter's gradient is
// final — before the sweep moves on to earlier nodes. An optimiser is one
// (nn::Optimizer): given as BackwardOptions::gradient_ready it updates each
// parameter while its freshly written gradient is still in cache, instead of
// reading every weight and gradient back from memory in a separate step().
//
// When is a gradient final? Recording order is topological, so every op that
// reads a parameter's leaf comes after the leaf; once the reverse sweep has
// passed the parameter's earliest leaf that a path from the output reaches,
// nothing can add to its gradient any more, and nothing still to be swept
// reads its value. The listener may therefore change the value (that is the
// point) but must not touch other parameters. A parameter watched several
// times is reported once, at its earliest reached leaf; one no path reaches
// is not reported.

#include <optional>
#include <string_view>

#include "tapegrad/core/parameter.hpp"

namespace tapegrad {

namespace detail {

/// The dtype-free face of GradientReadyListener<T>, so one BackwardOptions
/// type serves tapes of every dtype. The tape checks dtype() before the sweep.
class AnyGradientReadyListener {
 public:
  virtual ~AnyGradientReadyListener() = default;
  /// "float32" or "float64".
  virtual std::string_view dtype() const noexcept = 0;
};

template <class T>
constexpr std::string_view dtype_name() noexcept {
  return sizeof(T) == 4 ? "float32" : "float64";
}

}  // namespace detail

template <class T>
class GradientReadyListener : public detail::AnyGradientReadyListener {
 public:
  std::string_view dtype() const noexcept final { return detail::dtype_name<T>(); }

  /// `parameter.grad()` holds its whole gradient of this backward (plus
  /// whatever it accumulated before, until zero_grad()).
  virtual void gradient_ready(Parameter<T>& parameter) = 0;

  /// Optional: s when this listener's whole handling of `parameter` is
  /// θ ← θ + s·∇θ followed by zero_grad() (plain SGD: s = −α), so the tape
  /// may have the update written directly (direct_update.hpp) and skip
  /// gradient_ready for it.
  virtual std::optional<T> direct_update_scale(const Parameter<T>& parameter) const {
    (void)parameter;
    return std::nullopt;
  }
};

}  // namespace tapegrad
