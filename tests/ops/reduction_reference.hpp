#pragma once
// What the reduction tests compare with: every shape × axis × keepdims case,
// and references that visit each element's multi-index (independent of the
// library's (outer, length, inner) loops) to gather each result's slice.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ops/op_test_support.hpp"

namespace tapegrad::testing {

struct ReductionCase {
  Shape shape;
  std::optional<int> axis;  // nothing: every element
  bool keepdims = false;

  Attributes attributes() const {
    Attributes a;
    if (axis)
      a.set("axis", *axis);
    a.set("keepdims", keepdims ? 1 : 0);
    return a;
  }
  /// "(3, 4) axis -1 keepdims"
  std::string label() const {
    return str(shape) + (axis ? " axis " + std::to_string(*axis) : std::string(" all")) +
           (keepdims ? " keepdims" : "");
  }
  std::string describe(std::string_view op) const { return std::string(op) + " " + label(); }
  /// How many elements each result reduces.
  std::size_t length() const {
    if (!axis)
      return shape_size(shape);
    const int rank = static_cast<int>(shape.size());
    return shape[static_cast<std::size_t>(*axis < 0 ? *axis + rank : *axis)];
  }
};

/// Ranks 0 to 3 with size-1 axes, every axis both ways, with and without keepdims.
inline std::vector<ReductionCase> reduction_cases() {
  std::vector<ReductionCase> cases;
  for (const Shape& shape : {Shape{}, Shape{1}, Shape{5}, Shape{1, 1}, Shape{1, 4}, Shape{4, 1},
                             Shape{3, 4}, Shape{2, 3, 4}}) {
    const int rank = static_cast<int>(shape.size());
    for (const bool keepdims : {false, true}) {
      cases.push_back({shape, std::nullopt, keepdims});
      for (int axis = -rank; axis < rank; ++axis)
        cases.push_back({shape, axis, keepdims});
    }
  }
  return cases;
}

/// The flat indices of each result's slice, in order along the axis, keyed
/// by the result's flat index; and the results' shape.
struct Slices {
  Shape out_shape;
  std::map<std::size_t, std::vector<std::size_t>> members;
};

inline Slices slices_of(const ReductionCase& c) {
  const Shape& shape = c.shape;
  const std::size_t rank = shape.size();
  Slices s;
  std::size_t a = 0;
  if (c.axis)
    a = static_cast<std::size_t>(*c.axis < 0 ? *c.axis + static_cast<int>(rank) : *c.axis);
  for (std::size_t k = 0; k < rank; ++k) {
    if (c.axis && k != a)
      s.out_shape.push_back(shape[k]);
    else if (c.keepdims)
      s.out_shape.push_back(1);
  }
  for (std::size_t flat = 0; flat < shape_size(shape); ++flat) {
    // The flat index of `flat`'s multi-index with axis a left out.
    std::size_t rest = flat, out_flat = 0, out_stride = 1;
    for (std::size_t k = rank; k-- > 0;) {
      const std::size_t index = rest % shape[k];
      rest /= shape[k];
      if (!c.axis || k == a)
        continue;
      out_flat += index * out_stride;
      out_stride *= shape[k];
    }
    s.members[out_flat].push_back(flat);
  }
  return s;
}

using SliceValue = std::function<double(const std::vector<double>&)>;
using SliceGradient = std::function<std::vector<double>(const std::vector<double>&)>;

/// f of every slice of x.
inline Tensor<double> slice_reference(const Tensor<double>& x, const ReductionCase& c,
                                      const SliceValue& f) {
  const Slices s = slices_of(c);
  Tensor<double> out = Tensor<double>::from_shape(s.out_shape);
  for (const auto& [out_flat, members] : s.members) {
    std::vector<double> values;
    for (const std::size_t i : members)
      values.push_back(x.data()[i]);
    out.data()[out_flat] = f(values);
  }
  return out;
}

/// ∂(Σ results)/∂x: each slice's gradient df put back at its elements.
inline Tensor<double> slice_gradient_reference(const Tensor<double>& x, const ReductionCase& c,
                                               const SliceGradient& df) {
  Tensor<double> out = Tensor<double>::from_shape(x.shape());
  for (const auto& [out_flat, members] : slices_of(c).members) {
    std::vector<double> values;
    for (const std::size_t i : members)
      values.push_back(x.data()[i]);
    const std::vector<double> d = df(values);
    for (std::size_t k = 0; k < members.size(); ++k)
      out.data()[members[k]] = d[k];
  }
  return out;
}

/// For every case (of at least `min_length` elements per result): the op
/// by name on random inputs in [low, high) passes gradcheck, its values are
/// f's within `tol` and its gradient for a seed of ones is df's (when given).
inline void check_reduction_op(std::string_view op, const SliceValue& f, const SliceGradient& df,
                               double low, double high, const Attributes& extra = {},
                               std::size_t min_length = 1, double tol = 1e-14) {
  std::uint64_t seed = 300;
  for (const ReductionCase& c : reduction_cases()) {
    if (c.length() < min_length)
      continue;
    const std::string what = c.describe(op);
    Attributes attributes = c.attributes();
    for (const auto& [name, value] : extra.items())
      attributes.set(name, value);
    const Tensor<double> xv = random_tensor(c.shape, seed++, low, high);
    TG_EXPECT_GRADCHECK(gradcheck(op, {xv}, attributes), what);

    Tape<double> tape;
    const Var<double> x = tape.variable(xv);
    const Var<double> y = tape.apply(op, {x}, attributes);
    expect_tensor_near(y.value(), slice_reference(xv, c, f), tol, what);
    if (!df)
      continue;
    tape.backward(y, xt::ones<double>(y.shape()));
    expect_tensor_near(x.grad(), slice_gradient_reference(xv, c, df), tol, what + " gradient");
  }
}

}  // namespace tapegrad::testing
