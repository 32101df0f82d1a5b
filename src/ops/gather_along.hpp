#pragma once
// What gather and its adjoint gather_backward share: the tensor they pick
// from ("full", the input of gather, the output of gather_backward) and the
// index tensor, seen around the axis as (outer, length, inner) and (outer,
// count, inner) — equal outer and inner, since the index has full's extents on
// every other axis — and the loops that pick and scatter through it.

#include <string>

#include "ops/axis_runs.hpp"

namespace tapegrad::ops {

struct AlongAxis {
  std::size_t outer = 1, length = 1, count = 1, inner = 1;
};

/// Checks `index` against a tensor of shape `full` picked along `axis` (same
/// rank, equal extents off the axis, whole numbers in [0, full[axis])) and
/// returns the view; ShapeError or ValueError naming the op, both shapes and
/// the node. `what` names full in messages ("x", "output"). Backprop passes
/// check_values = false: forward has checked the same values.
template <class Ctx, class T>
AlongAxis along_axis(const Ctx& ctx, std::int64_t axis_attribute, const Shape& full,
                     const Tensor<T>& index, std::string_view what, bool check_values = true) {
  const std::size_t axis = resolve_axis(ctx, axis_attribute, full);
  const Shape& picks = index.shape();
  const std::string shapes = fmt::format("index of shape {}, {} of shape {}",
                                         shape_to_string(picks), what, shape_to_string(full));
  bool fits = picks.size() == full.size();
  for (std::size_t k = 0; fits && k < full.size(); ++k)
    fits = k == axis || picks[k] == full[k];
  if (!fits) {
    throw ShapeError(fmt::format("{}: the index needs {}'s rank and extents on every axis but {}",
                                 shapes, what, axis_attribute),
                     ctx.site());
  }
  if (check_values)
    check_indices(ctx, index, full[axis], "index", shapes);
  const AxisRuns runs = AxisRuns::around(full, axis);
  return {runs.outer, runs.length, picks[axis], runs.inner};
}

/// part[o, j, i] = full[o, index[o, j, i], i]; += when `add`.
template <class T>
void gather_along(const AlongAxis& a, const T* full, const T* index, T* part, bool add) {
  for (std::size_t o = 0; o < a.outer; ++o) {
    const T* block = full + o * a.length * a.inner;
    if (a.inner == 1 && !add) {  // along the last axis: one pick per element
      const T* picks = index + o * a.count;
      T* out = part + o * a.count;
      for (std::size_t j = 0; j < a.count; ++j)
        out[j] = block[static_cast<std::ptrdiff_t>(picks[j])];
      continue;
    }
    for (std::size_t j = 0; j < a.count; ++j) {
      const std::size_t row = (o * a.count + j) * a.inner;
      for (std::size_t i = 0; i < a.inner; ++i) {
        const T picked = block[static_cast<std::ptrdiff_t>(index[row + i]) *
                                   static_cast<std::ptrdiff_t>(a.inner) +
                               i];
        part[row + i] = add ? part[row + i] + picked : picked;
      }
    }
  }
}

/// full[o, index[o, j, i], i] += part[o, j, i] (full already holds its
/// starting values: zeros or an earlier gradient).
template <class T>
void scatter_add_along(const AlongAxis& a, const T* part, const T* index, T* full) {
  for (std::size_t o = 0; o < a.outer; ++o) {
    T* block = full + o * a.length * a.inner;
    for (std::size_t j = 0; j < a.count; ++j) {
      const std::size_t row = (o * a.count + j) * a.inner;
      for (std::size_t i = 0; i < a.inner; ++i)
        block[static_cast<std::ptrdiff_t>(index[row + i]) * static_cast<std::ptrdiff_t>(a.inner) +
              i] += part[row + i];
    }
  }
}

}  // namespace tapegrad::ops
