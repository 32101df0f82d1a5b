#pragma once
// Indexing and shape: parts of a tensor along an axis (slice, index, split,
// chunk), tensors put together (concat, stack), elements picked by integer
// indices (gather, embedding), and axes reordered (permute, transpose of two
// axes). Axes count from the end when negative, as in numpy. Index tensors
// are constants holding whole numbers (stored as T); they get no gradient.
//
// The gradient of a selection is a scatter into zeros, recorded with the
// selection's adjoint op (slice_backward, gather_backward,
// embedding_backward), whose own gradient is the selection again: gradients
// of gradients work to any order.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/tensor/span.hpp"

namespace tapegrad {

/// x[start:stop:step] along `axis` (op "slice"). Negative start and stop count
/// from the end; no stop means the end. After that 0 ≤ start ≤ stop ≤ length
/// must hold (start == stop gives an empty part) and step ≥ 1: anything else
/// is a ValueError, never a silently clipped range.
template <class T>
TAPEGRAD_EXPORT Var<T> slice(Var<T> x, int axis, std::int64_t start,
                             std::optional<std::int64_t> stop = std::nullopt,
                             std::int64_t step = 1);

/// The part at one position along `axis`, that axis dropped (op "index"):
/// index(m, 0, 1) is row 1 of a matrix, index(v, 0, -1) a vector's last
/// element (a scalar). A negative position counts from the end.
template <class T>
TAPEGRAD_EXPORT Var<T> index(Var<T> x, int axis, std::int64_t position);

/// The inputs joined along an existing axis (op "concat"): equal ranks ≥ 1,
/// equal extents on every other axis, at least one input.
template <class T>
TAPEGRAD_EXPORT Var<T> concat(Span<Var<T>> xs, int axis = 0);
template <class T>
Var<T> concat(const std::vector<Var<T>>& xs, int axis = 0) {
  return concat(Span<Var<T>>(xs), axis);
}
template <class T>
Var<T> concat(std::initializer_list<Var<T>> xs, int axis = 0) {
  return concat(Span<Var<T>>(xs), axis);
}

/// Inputs of one shape stacked along a new axis (op "stack"); axis may be
/// -(rank + 1) … rank.
template <class T>
TAPEGRAD_EXPORT Var<T> stack(Span<Var<T>> xs, int axis = 0);
template <class T>
Var<T> stack(const std::vector<Var<T>>& xs, int axis = 0) {
  return stack(Span<Var<T>>(xs), axis);
}
template <class T>
Var<T> stack(std::initializer_list<Var<T>> xs, int axis = 0) {
  return stack(Span<Var<T>>(xs), axis);
}

/// x cut along `axis` into consecutive parts of the given sizes, which must
/// add up to the axis's length: one "slice" node per part.
template <class T>
TAPEGRAD_EXPORT std::vector<Var<T>> split(Var<T> x, Span<std::size_t> sizes, int axis = 0);
/// x cut along `axis` into `parts` equal parts (the length must divide
/// evenly): chunk(gates, 4, 1) gives an LSTM's i, f, g, o.
template <class T>
TAPEGRAD_EXPORT std::vector<Var<T>> chunk(Var<T> x, std::size_t parts, int axis = 0);

/// y[…, j, …] = x[…, index[…, j, …], …] along `axis` (op "gather"): numpy's
/// take_along_axis, torch.gather with an index of x's extents. `index` has
/// x's rank and x's extents on every axis but `axis`, holds whole numbers in
/// [0, x's length along axis), and gives y its shape. Its gradient adds g
/// into the picked positions (gather_backward).
template <class T>
TAPEGRAD_EXPORT Var<T> gather(Var<T> x, int axis, Var<T> index);

/// Rows of `weight` (V × D) looked up by `ids` (any shape, whole numbers in
/// [0, V)): y has shape ids.shape + (D,) (op "embedding"). Backprop adds
/// each row of g into the looked-up row of ∂weight — O(ids × D) work, never a
/// V × D one-hot (a fresh gradient buffer is cleared first, as every dense
/// gradient is).
template <class T>
TAPEGRAD_EXPORT Var<T> embedding(Var<T> weight, Var<T> ids);

/// Axes reordered: y's axis k is x's axis axes[k] (op "permute"; negative
/// axes count from the end). axes must name every axis of x once.
template <class T>
TAPEGRAD_EXPORT Var<T> permute(Var<T> x, Span<int> axes);
/// Axes a and b swapped, for any rank (a "permute" node). The one-argument
/// transpose(x) of a matrix is in linalg.hpp.
template <class T>
TAPEGRAD_EXPORT Var<T> transpose(Var<T> x, int a, int b);

/// The adjoints (see the header comment), usable on their own too:
/// slice_backward puts g at positions start, start + step, … of zeros of
/// length `length` along `axis` (start counts from 0, never from the end);
/// gather_backward adds g into zeros of g's shape with `length` along axis at
/// the positions `index` names; embedding_backward adds the rows of g into
/// zeros of shape (rows, D) at the rows `ids` names.
template <class T>
TAPEGRAD_EXPORT Var<T> slice_backward(Var<T> g, int axis, std::size_t length, std::size_t start,
                                      std::size_t step = 1);
template <class T>
TAPEGRAD_EXPORT Var<T> gather_backward(Var<T> g, int axis, Var<T> index, std::size_t length);
template <class T>
TAPEGRAD_EXPORT Var<T> embedding_backward(Var<T> g, Var<T> ids, std::size_t rows);

}  // namespace tapegrad
