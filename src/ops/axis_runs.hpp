#pragma once
// What the indexing ops (slice, index, concat, stack, gather, embedding and
// their adjoints) share: whole-number attributes, axes that count from the
// end when negative, and the view they all take of a tensor around one axis.
//
// Around axis a, a row-major tensor is (outer, length, inner): the product of
// the extents before a, the extent of a, the product of those after it.
// Position p along the axis in outer block o is then the contiguous run of
// `inner` elements at (o·length + p)·inner, so slicing, indexing,
// concatenating and stacking are copies of whole runs — one memcpy per outer
// block when the positions are consecutive — and never per-element index
// arithmetic.
//
// Note [Adjoint ops]: the gradient of a selection (slice, gather, embedding)
// puts g back into zeros of the input's shape. That scatter is an op of its
// own (slice_backward, gather_backward, embedding_backward), registered like
// any other, so that a recorded gradient (create_graph) is made of ops; and
// the adjoint of each scatter is the selection again, which closes the pair
// under differentiation to any order.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "ops/cost.hpp"
#include "ops/support.hpp"
#include "tapegrad/core/tangent.hpp"

namespace tapegrad::ops {

/// `value` as a whole number, or ValueError naming the op and the attribute.
inline std::int64_t whole_number(double value, std::string_view op, std::string_view name) {
  if (!(std::abs(value) <= 9.0e15) || std::floor(value) != value) {
    throw ValueError(fmt::format("attribute '{}' must be a whole number, got {}", name, value),
                     {std::string(op), std::nullopt, {}});
  }
  return static_cast<std::int64_t>(value);
}

/// A required whole-number attribute.
inline std::int64_t whole_attribute(const Attributes& a, std::string_view op,
                                    std::string_view name) {
  return whole_number(required_attribute(a, op, name), op, name);
}

/// A whole-number attribute that may be absent.
inline std::optional<std::int64_t> optional_whole_attribute(const Attributes& a,
                                                            std::string_view op,
                                                            std::string_view name) {
  const double* value = a.find(name);
  if (!value)
    return std::nullopt;
  return whole_number(*value, op, name);
}

/// Axis `axis` of a tensor of `shape` (negative counts from the end; `extra`
/// allows positions past the last axis, as stack's new axis needs), or
/// ValueError naming the op, the axis, the shape and the node (ctx: any
/// context with site(), forward, backprop or differentiable backprop).
template <class Ctx>
std::size_t resolve_axis(const Ctx& ctx, std::int64_t axis, const Shape& shape,
                         std::size_t extra = 0) {
  const auto rank = static_cast<std::int64_t>(shape.size() + extra);
  const std::int64_t resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 0 || resolved >= rank) {
    throw ValueError(
        fmt::format("axis {} is out of range for shape {}{}", axis, shape_to_string(shape),
                    rank == 0 ? " (a scalar has no axis)" : ""),
        ctx.site());
  }
  return static_cast<std::size_t>(resolved);
}

/// Where a helper that is not an op (split, chunk, transpose of two axes)
/// reports an error: the helper, and as its node the input it was given.
struct HelperSite {
  ErrorSite where;
  ErrorSite site() const { return where; }
};

template <class T>
HelperSite helper_site(const Var<T>& x, std::string_view helper) {
  Tape<T>& tape = tape_of(x, helper);
  tape.check(x, helper);
  return {{std::string(helper), x.id(), tape.node(x.id()).label}};
}

/// Positions start, start + step, … (count of them) along an axis of a
/// tensor seen as (outer, length, inner).
struct AxisRuns {
  std::size_t outer = 1, length = 1, inner = 1;
  std::size_t start = 0, step = 1, count = 1;

  /// The (outer, length, inner) view of `shape` around `axis` (a valid
  /// axis), with every position selected.
  static AxisRuns around(const Shape& shape, std::size_t axis) {
    AxisRuns r;
    for (std::size_t k = 0; k < shape.size(); ++k) {
      if (k < axis)
        r.outer *= shape[k];
      if (k > axis)
        r.inner *= shape[k];
    }
    r.length = shape[axis];
    r.count = r.length;
    return r;
  }
  AxisRuns positions(std::size_t first, std::size_t stride, std::size_t n) const {
    AxisRuns r = *this;
    r.start = first;
    r.step = stride;
    r.count = n;
    return r;
  }
  /// Elements of the selected part: outer · count · inner.
  std::size_t part_size() const { return outer * count * inner; }
};

/// dst[0, n) = src[0, n), or += when `add`.
template <class T>
void copy_or_add(const T* __restrict src, T* __restrict dst, std::size_t n, bool add) {
  if (add) {
    for (std::size_t i = 0; i < n; ++i)
      dst[i] += src[i];
  } else if (n > 0) {
    std::memcpy(dst, src, n * sizeof(T));
  }
}

/// part (outer, count, inner) = the selected positions of full (outer,
/// length, inner); += when `add`.
template <class T>
void take_runs(const AxisRuns& r, const T* full, T* part, bool add) {
  for (std::size_t o = 0; o < r.outer; ++o) {
    const T* from = full + (o * r.length + r.start) * r.inner;
    T* to = part + o * r.count * r.inner;
    if (r.step == 1) {
      copy_or_add(from, to, r.count * r.inner, add);
      continue;
    }
    for (std::size_t k = 0; k < r.count; ++k)
      copy_or_add(from + k * r.step * r.inner, to + k * r.inner, r.inner, add);
  }
}

/// The selected positions of full = part (+= when `add`); the other
/// positions are left as they are.
template <class T>
void put_runs(const AxisRuns& r, const T* part, T* full, bool add) {
  for (std::size_t o = 0; o < r.outer; ++o) {
    const T* from = part + o * r.count * r.inner;
    T* to = full + (o * r.length + r.start) * r.inner;
    if (r.step == 1) {
      copy_or_add(from, to, r.count * r.inner, add);
      continue;
    }
    for (std::size_t k = 0; k < r.count; ++k)
      copy_or_add(from + k * r.inner, to + k * r.step * r.inner, r.inner, add);
  }
}

/// Zeros every position of full that is not selected.
template <class T>
void zero_unselected(const AxisRuns& r, T* full) {
  for (std::size_t o = 0; o < r.outer; ++o) {
    T* block = full + o * r.length * r.inner;
    if (r.step == 1 || r.count == 0) {  // before and after one block
      const std::size_t end = r.count == 0 ? r.start : r.start + r.count;
      std::fill(block, block + r.start * r.inner, T(0));
      std::fill(block + end * r.inner, block + r.length * r.inner, T(0));
      continue;
    }
    for (std::size_t k = 0; k < r.count; ++k) {  // the gaps between positions
      const std::size_t gap = k == 0 ? 0 : r.start + (k - 1) * r.step + 1;
      std::fill(block + gap * r.inner, block + (r.start + k * r.step) * r.inner, T(0));
    }
    const std::size_t last = r.start + (r.count - 1) * r.step;
    std::fill(block + (last + 1) * r.inner, block + r.length * r.inner, T(0));
  }
}

/// ∂L/∂input_i = the selected positions of g's runs, sent through `slot`:
/// with the rest zeroed when the slot is fresh, added otherwise.
template <class T>
void scatter_into_slot(const AxisRuns& r, const T* part, const GradSlot<T>& slot) {
  T* full = slot.tensor.data();
  if (slot.fresh)
    zero_unselected(r, full);
  put_runs(r, part, full, !slot.fresh);
}

/// ẏ's buffer for a join's tangent rule (concat, stack), zeroed when some
/// input has no tangent: its block stays zero.
template <class T>
Tensor<T>& zeroed_unless_every_tangent(TangentContext<T>& ctx) {
  Tensor<T>& dy = ctx.output_tangent();
  for (std::size_t i = 0; i < ctx.input_count(); ++i) {
    if (!ctx.has_tangent(i)) {
      dy.fill(T(0));
      break;
    }
  }
  return dy;
}

/// The cost of a join (concat, stack): a copy, every element read and
/// written once per pass (backprop: of the inputs that need a gradient).
template <class T>
OpCost join_cost(const CostQuery& query) {
  std::uint64_t backprop = 0;
  for (std::size_t i = 0; i < query.inputs.size(); ++i) {
    if (query.needs(i))
      backprop += 2 * query.input_size(i);
  }
  return OpCost{0, bytes_of<T>(2 * query.output_size()), 0, bytes_of<T>(backprop)};
}

/// Records the join `Op` (concat, stack) of xs along `axis`; no inputs is a
/// ValueError (with no node: nothing names a tape).
template <class Op, class T>
Var<T> record_join(Span<Var<T>> xs, int axis) {
  if (xs.empty())
    throw ValueError("needs at least one input", {std::string(Op::kName), std::nullopt, {}});
  return tape_of(xs[0], Op::kName).template apply<Op>(xs, std::int64_t{axis});
}

/// "(2, 3), (2, 4)": the shapes of every input, for messages.
template <class T>
std::string input_shapes(const detail::NodeView<T>& ctx) {
  std::string text;
  for (std::size_t i = 0; i < ctx.input_count(); ++i)
    text += (i ? ", " : "") + shape_to_string(ctx.input(i).shape());
  return text;
}

/// Above this every T is a whole number; below it, v + kRound − kRound
/// rounds v to a whole number (2^23 for float, 2^52 for double).
template <class T>
constexpr T kRound = T(std::int64_t{1} << (std::numeric_limits<T>::digits - 1));

/// 1 when v is a whole number in [0, bound) for a bound ≤ kRound<T>, else 0
/// (NaN too). No branch, no cast and no libm call, so that a pass over many
/// indices vectorises (GCC 12 turned every clamp-and-cast form into branches).
template <class T>
int whole_in_range(T v, T bound) {
  const T rounded = v + kRound<T> - kRound<T>;  // left to right, as written
  return int(v >= T(0)) & int(v < bound) & int(rounded == v);
}

template <class T>
bool all_whole_in_range(const T* p, std::size_t n, T bound) {
  int good = 1;  // an int, not a bool: GCC vectorises this reduction
  for (std::size_t k = 0; k < n; ++k)
    good &= whole_in_range(p[k], bound);
  return good != 0;
}

/// Checks that every element of `indices` is a whole number in [0, limit);
/// otherwise ValueError naming the op, the offending element, `shapes` and
/// the node.
template <class T>
void check_indices(const detail::NodeView<T>& ctx, const Tensor<T>& indices, std::size_t limit,
                   std::string_view what, const std::string& shapes) {
  const T* p = indices.data();
  const std::size_t n = indices.size();
  const auto bound = static_cast<T>(limit);
  if (bound <= kRound<T> && all_whole_in_range(p, n, bound))
    return;
  for (std::size_t k = 0; k < n; ++k) {
    if (!(p[k] >= T(0) && p[k] < bound && std::floor(p[k]) == p[k])) {
      throw ValueError(
          fmt::format("{} {} at flat position {} is not a whole number in [0, {}) ({})", what, p[k],
                      k, limit, shapes),
          ctx.site());
    }
  }
}

}  // namespace tapegrad::ops
