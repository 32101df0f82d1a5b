#include "tapegrad/tensor/broadcast.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace tapegrad {

std::optional<Shape> broadcast_shapes(const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape result(rank, 1);
  for (std::size_t k = 0; k < rank; ++k) {
    // Axes are aligned from the right; a missing axis acts as size 1.
    const std::size_t da = k < a.size() ? a[a.size() - 1 - k] : 1;
    const std::size_t db = k < b.size() ? b[b.size() - 1 - k] : 1;
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    result[rank - 1 - k] = da == 1 ? db : da;
  }
  return result;
}

namespace {

/// Walks every element of `full` once, in row-major order, adding it to the
/// element of `out` it was broadcast from. Index arithmetic runs per row of
/// the innermost axis, so the inner loop is a plain strided sum.
template <class T>
void reduce_general(const Tensor<T>& full, T* out, const Shape& out_shape) {
  const Shape& shape = full.shape();
  const std::size_t rank = shape.size();
  // Strides of `out` seen through full's axes: 0 along broadcast axes.
  Shape stride(rank, 0);
  std::size_t step = 1;
  for (std::size_t k = 0; k < out_shape.size(); ++k) {
    const std::size_t axis_out = out_shape.size() - 1 - k;
    const std::size_t axis_full = rank - 1 - k;
    stride[axis_full] = out_shape[axis_out] == 1 ? 0 : step;
    step *= out_shape[axis_out];
  }
  const std::size_t inner = rank ? shape[rank - 1] : 1;
  const std::size_t inner_stride = rank ? stride[rank - 1] : 0;
  const std::size_t rows = inner ? full.size() / inner : 0;
  Shape index(rank, 0);
  const T* in = full.data();
  for (std::size_t r = 0; r < rows; ++r) {
    std::size_t base = 0;
    for (std::size_t k = 0; k + 1 < rank; ++k)
      base += index[k] * stride[k];
    T* target = out + base;
    if (inner_stride == 0) {
      T sum = 0;
      for (std::size_t j = 0; j < inner; ++j)
        sum += in[j];
      *target += sum;
    } else {
      for (std::size_t j = 0; j < inner; ++j)
        target[j] += in[j];
    }
    in += inner;
    for (std::size_t k = rank - 1; k-- > 0;) {  // odometer over the outer axes
      if (++index[k] < shape[k])
        break;
      index[k] = 0;
    }
  }
}

}  // namespace

template <class T>
void reduce_to_shape(const Tensor<T>& full, Tensor<T>& out, bool accumulate) {
  const Shape& out_shape = out.shape();
  const auto target = broadcast_shapes(out_shape, full.shape());
  if (!target || *target != full.shape()) {
    throw std::invalid_argument("reduce_to_shape: " + shape_to_string(out_shape) +
                                " does not broadcast to " + shape_to_string(full.shape()));
  }
  if (!accumulate)
    out.fill(T(0));
  if (out_shape == full.shape()) {
    T* o = out.data();
    const T* f = full.data();
    for (std::size_t i = 0, n = full.size(); i < n; ++i)
      o[i] += f[i];
    return;
  }
  reduce_general(full, out.data(), out_shape);
}

template TAPEGRAD_EXPORT void reduce_to_shape(const Tensor<float>&, Tensor<float>&, bool);
template TAPEGRAD_EXPORT void reduce_to_shape(const Tensor<double>&, Tensor<double>&, bool);

}  // namespace tapegrad
