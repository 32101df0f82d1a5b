#pragma once
// The tensor layer: tapegrad's value type and its shape vocabulary.
//
// Tensor<T> is a row-major xt::xarray whose allocator is pinned to
// std::allocator. xtensor's default allocator changes with XTENSOR_USE_XSIMD
// and -march, so leaving it open would make a consumer built with default
// flags see a different type than the library (a link error or, worse, a
// silent layout mismatch). Unaligned SIMD loads cost nothing measurable here.

#include <cstddef>
#include <memory>
#include <string>

#include <xtensor/xarray.hpp>

#include "tapegrad/export.hpp"

// xtensor 0.24.3 under -std=c++20 maps xarray's shape type to a rank-4
// xtensor when it needs a temporary (upstream issue #1970): xt::eval(a + a)
// silently comes back 4-D and some immediate reducers crash. Naming the
// exact shape type restores xarray, and is harmless under C++17.
namespace xt::detail {
template <>
struct xtype_for_shape<xt::svector<std::size_t, 4, std::allocator<std::size_t>, true>> {
  template <class T, layout_type L>
  using type = xarray<T, L>;
};
}  // namespace xt::detail

namespace tapegrad {

template <class T>
using Tensor = xt::xarray<T, xt::layout_type::row_major, std::allocator<T>>;

/// The shape of a tensor: rank 0 is a scalar, 1 a vector, 2 a matrix (one row
/// per sample in a mini-batch).
using Shape = xt::svector<std::size_t, 4, std::allocator<std::size_t>, true>;

/// "(2, 3)", "(4,)" or "()" — the spelling used in every error message.
TAPEGRAD_EXPORT std::string shape_to_string(const Shape& shape);

/// Number of elements a tensor of this shape holds (1 for a scalar).
TAPEGRAD_EXPORT std::size_t shape_size(const Shape& shape) noexcept;

}  // namespace tapegrad
