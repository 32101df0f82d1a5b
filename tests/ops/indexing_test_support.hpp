#pragma once
// What the tests of the indexing and shape ops share: counting tensors whose
// values say where they came from, and the error check of a helper that is
// not an op (split, chunk, transpose of two axes).

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad::testing {

/// 0, 1, 2, … in `shape` (row-major): each value is its flat position.
inline Tensor<double> iota(const Shape& shape) {
  Tensor<double> t = Tensor<double>::from_shape(shape);
  for (std::size_t i = 0; i < t.size(); ++i)
    t.data()[i] = static_cast<double>(i);
  return t;
}

/// `values` in `shape`, row-major (where a braced xarray literal with
/// one-element rows would be ambiguous).
inline Tensor<double> shaped(const Shape& shape, std::initializer_list<double> values) {
  Tensor<double> t = Tensor<double>::from_shape(shape);
  std::copy(values.begin(), values.end(), t.begin());
  return t;
}

/// Runs `f`, which must throw ValueError from `helper`, naming as its node
/// the input x, and containing every fragment.
template <class F>
void expect_helper_error(const Var<double>& x, F&& f, std::string_view helper,
                         std::initializer_list<std::string_view> fragments) {
  try {
    f();
    ADD_FAILURE() << "expected ValueError from " << helper;
  } catch (const ValueError& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.op(), helper) << message;
    ASSERT_TRUE(e.node().has_value()) << message;
    EXPECT_EQ(*e.node(), x.id()) << message;
    EXPECT_NE(message.find("node " + std::to_string(x.id())), std::string::npos) << message;
    for (std::string_view fragment : fragments)
      EXPECT_NE(message.find(std::string(fragment)), std::string::npos) << message;
  }
}

}  // namespace tapegrad::testing
