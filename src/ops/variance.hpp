#pragma once
// The kind of slice_reduction.hpp behind var and std (kStd): the slice's
// mean first, then Σ (x − mean)² / (n − correction) (two passes, so no
// cancellation of large sums), and √ of it for std. ∂x = g · 2(x − mean) /
// (n − correction) for var, g · (x − mean) / ((n − correction) · y) for std.

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "ops/slice_reduction.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/reductions.hpp"

namespace tapegrad::ops {

template <bool kStd>
struct VarianceKind {
  static constexpr std::string_view kName = kStd ? "std" : "var";
  static constexpr std::string_view kFormula =
      kStd ? "y = √(Σ (x − mean)² / (n − correction)) (over all elements, or along an axis)"
           : "y = Σ (x − mean)² / (n − correction) (over all elements, or along an axis)";
  static constexpr std::array<std::string_view, 3> kAttributes{"axis", "keepdims", "correction"};
  // Per element: forward an add (the mean), a subtract, a multiply and an
  // add; backprop the mean again, a subtract and two multiplies.
  static constexpr unsigned kForwardFlops = 4;
  static constexpr unsigned kBackpropFlops = 4;
  static constexpr bool kConstant = false;
  double correction = 1;

  VarianceKind() = default;
  explicit VarianceKind(Correction c) : correction(c == Correction::sample ? 1 : 0) {}
  explicit VarianceKind(const Attributes& a) : correction(a.get_or("correction", 1)) {}
  Attributes attributes() const { return {{"correction", correction}}; }

  template <class T>
  void check(const ReductionLayout& l, const detail::NodeView<T>& ctx) const {
    const std::string shape = shape_to_string(ctx.input(0).shape());
    if (correction != 0 && correction != 1) {
      throw ValueError(
          fmt::format("attribute correction must be 0 or 1, got {} (input of shape {})", correction,
                      shape),
          ctx.site());
    }
    if (l.slices() > 0 && static_cast<double>(l.length) <= correction) {
      throw ValueError("the " + std::string(kName) + " of " + std::to_string(l.length) +
                           " element(s) with correction " + std::to_string(int(correction)) +
                           " is undefined (shape " + shape + ")",
                       ctx.site());
    }
  }

  template <class T>
  static T mean_of(const Slice<T>& x) {
    T sum = 0;
    for (std::size_t a = 0; a < x.length; ++a)
      sum += x[a];
    return sum / static_cast<T>(x.length);
  }
  template <class T>
  T divisor(const Slice<T>& x) const {
    return static_cast<T>(x.length) - T(correction);
  }

  template <class T>
  T value(const Slice<T>& x) const {
    const T mean = mean_of(x);
    T squares = 0;
    for (std::size_t a = 0; a < x.length; ++a)
      squares += (x[a] - mean) * (x[a] - mean);
    const T v = squares / divisor(x);
    return kStd ? std::sqrt(v) : v;
  }
  template <class T, class Add>
  void grad(const Slice<T>& x, T y, T g, const Add& add) const {
    const T mean = mean_of(x);
    const T factor = kStd ? g / (divisor(x) * y) : T(2) * g / divisor(x);
    for (std::size_t a = 0; a < x.length; ++a)
      add(a, factor * (x[a] - mean));
  }
  /// The same with the mean and (for std) y recorded, so it differentiates on.
  template <class T>
  Var<T> recorded(const Var<T>& x, const Var<T>& y, const Var<T>& g, const ReductionSpec& spec,
                  const ReductionLayout& l) const {
    const Shape& shape = x.shape();
    const Var<T> mean = spec.axis ? tapegrad::mean(x, *spec.axis, true) : tapegrad::mean(x);
    const Var<T> centred = x - expand_reduced(mean, shape, spec);
    const T n = static_cast<T>(l.length) - T(correction);
    const Var<T> factor = kStd ? g / (n * y) : (T(2) / n) * g;
    return expand_reduced(factor, shape, spec) * centred;
  }
};

}  // namespace tapegrad::ops
