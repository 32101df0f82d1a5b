#pragma once
// Helpers shared by the per-op tests: gradchecks that report their worst
// element, exact error expectations (type, op, shapes, node, tape rolled
// back), and tensor comparisons.

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad::testing {

/// "(2, 3)" for a gtest message.
inline std::string str(const Shape& shape) { return shape_to_string(shape); }

/// Gradcheck of a one-input function of Vars.
inline GradcheckResult check_unary(const std::function<Var<double>(Var<double>)>& f,
                                   const Tensor<double>& x, const GradcheckOptions& options = {}) {
  return gradcheck(
      [&](Tape<double>&, const std::vector<Var<double>>& in) { return f(in[0]); }, {x}, options);
}

/// Gradcheck of a two-input function of Vars.
inline GradcheckResult check_binary(const std::function<Var<double>(Var<double>, Var<double>)>& f,
                                    const Tensor<double>& a, const Tensor<double>& b,
                                    const GradcheckOptions& options = {}) {
  return gradcheck(
      [&](Tape<double>&, const std::vector<Var<double>>& in) { return f(in[0], in[1]); }, {a, b},
      options);
}

/// The shapes every elementwise op is checked on: rank 0, rank 1, 1×1, 1×n,
/// n×1, a general matrix, and a size-1 vector.
inline std::vector<Shape> elementwise_shapes() {
  return {Shape{}, Shape{1}, Shape{5}, Shape{1, 1}, Shape{1, 4}, Shape{4, 1}, Shape{3, 4}};
}

/// Operand shape pairs for broadcasting binary ops, both directions.
inline std::vector<std::pair<Shape, Shape>> broadcast_pairs() {
  std::vector<std::pair<Shape, Shape>> pairs = {
      {Shape{}, Shape{3, 4}},     // scalar with matrix
      {Shape{4}, Shape{3, 4}},    // row vector (n,) with (B, n)
      {Shape{1, 4}, Shape{3, 4}},  // (1, n) with (B, n)
      {Shape{3, 1}, Shape{3, 4}},  // (B, 1) with (B, n)
      {Shape{3, 1}, Shape{1, 4}},  // outer-product style
      {Shape{}, Shape{5}},        // scalar with vector
      {Shape{1}, Shape{5}},       // size-1 vector with vector
      {Shape{1, 1}, Shape{3, 4}},  // 1×1 with matrix
      {Shape{}, Shape{}},         // two scalars
  };
  const std::size_t n = pairs.size();
  for (std::size_t i = 0; i < n; ++i) pairs.emplace_back(pairs[i].second, pairs[i].first);
  return pairs;
}

/// Elementwise |a − b| ≤ tol, with equal shapes.
inline void expect_tensor_near(const Tensor<double>& actual, const Tensor<double>& expected,
                               double tol, const std::string& what = {}) {
  ASSERT_EQ(actual.shape(), expected.shape())
      << what << ": shape " << str(actual.shape()) << " vs " << str(expected.shape());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual.data()[i], expected.data()[i], tol) << what << " at flat index " << i;
  }
}

/// Runs `f`, which must record one op on `tape` and fail with exactly
/// `ErrorType`, raised by `op` at the node the op would have been; the
/// message must name the op, the node and contain every fragment; the tape
/// must keep its size (the failed forward rolled back).
template <class ErrorType, class F>
void expect_op_error(Tape<double>& tape, F&& f, std::string_view op,
                     std::initializer_list<std::string_view> fragments, bool expect_node = true) {
  const std::size_t before = tape.size();
  try {
    f();
    ADD_FAILURE() << "expected " << typeid(ErrorType).name() << " from op '" << op
                  << "', nothing was thrown";
  } catch (const ErrorType& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.op(), op) << message;
    EXPECT_NE(message.find(std::string(op)), std::string::npos) << message;
    if (expect_node) {
      ASSERT_TRUE(e.node().has_value()) << message;
      EXPECT_EQ(*e.node(), static_cast<NodeId>(before)) << message;
      EXPECT_NE(message.find("node " + std::to_string(before)), std::string::npos) << message;
    }
    for (std::string_view fragment : fragments) {
      EXPECT_NE(message.find(std::string(fragment)), std::string::npos)
          << "message lacks \"" << fragment << "\": " << message;
    }
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected " << typeid(ErrorType).name() << " from op '" << op << "', got "
                  << typeid(e).name() << ": " << e.what();
  }
  EXPECT_EQ(tape.size(), before) << "a failed op must leave the tape as it was";
}

/// Gradcheck asserting success, with the worst element in the message.
#define TG_EXPECT_GRADCHECK(expr, context)                     \
  do {                                                         \
    const ::tapegrad::GradcheckResult tg_result_ = (expr);     \
    EXPECT_TRUE(tg_result_.ok) << context << ": " << tg_result_.report(); \
    EXPECT_GT(tg_result_.checked, 0u) << context;              \
  } while (false)

}  // namespace tapegrad::testing
