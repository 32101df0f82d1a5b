#pragma once
// Integer class labels given as a tensor of whole numbers, one per row of a
// (rows, classes) input (cross_entropy's logits, nll_loss's
// log-probabilities; a vector is one row with one label). A label may be
// left out of the loss by an ignore index (nll_loss), which then need not be
// a class. Labels receive no gradient.

#include <cmath>
#include <cstddef>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "ops/rows.hpp"
#include "ops/support.hpp"

namespace tapegrad::ops {

/// Whether `label` is the ignored one.
template <class T>
bool ignored(T label, const std::optional<T>& ignore) {
  return ignore && label == *ignore;
}

/// Throws ShapeError unless input 1 holds one label per row of input 0
/// (called `what` in the message), and ValueError for a label that is not
/// a whole number in [0, classes) and not the ignored one.
template <class T>
void check_class_labels(const detail::NodeView<T>& ctx, const Rows& r, std::string_view what,
                        const std::optional<T>& ignore = std::nullopt) {
  const Tensor<T>& labels = ctx.input(1);
  if (labels.size() != r.count || labels.dimension() > 1) {
    throw ShapeError(
        fmt::format("{} {} need one label per row, got labels of shape {}", what,
                    shape_to_string(ctx.input(0).shape()), shape_to_string(labels.shape())),
        ctx.site());
  }
  for (std::size_t row = 0; row < r.count; ++row) {
    const T label = labels.data()[row];
    if (ignored(label, ignore))
      continue;
    if (!(label >= 0) || label >= static_cast<T>(r.length) || std::floor(label) != label) {
      throw ValueError(
          fmt::format("label {} of row {} is not a class index in [0, {}) ({} of shape {})", label,
                      row, r.length, what, shape_to_string(ctx.input(0).shape())),
          ctx.site());
    }
  }
}

/// A tensor of `shape` (rows, classes) holding `value` at each row's label
/// and 0 elsewhere (0 across a row whose label is ignored).
template <class T>
Tensor<T> label_indicator(const Shape& shape, const Tensor<T>& labels, T value,
                          const std::optional<T>& ignore = std::nullopt) {
  const Rows r = rows_of(shape);
  Tensor<T> out(shape, T(0));
  for (std::size_t row = 0; row < r.count; ++row) {
    const T label = labels.data()[row];
    if (!ignored(label, ignore))
      out.data()[row * r.length + static_cast<std::size_t>(label)] = value;
  }
  return out;
}

}  // namespace tapegrad::ops
