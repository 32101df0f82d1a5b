#pragma once
// Helpers shared by the per-op tests: gradchecks that report their worst
// element, exact error expectations (type, op, shapes, node, tape rolled
// back), and tensor comparisons.

#include <gtest/gtest.h>

#include <algorithm>
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

#include <xtensor/xbuilder.hpp>
#include <xtensor/xio.hpp>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

/// Gradcheck asserting success, with the worst element in the message.
#define TG_EXPECT_GRADCHECK(expr, context)                                \
  do {                                                                    \
    const ::tapegrad::GradcheckResult tg_result_ = (expr);                \
    EXPECT_TRUE(tg_result_.ok) << context << ": " << tg_result_.report(); \
    EXPECT_GT(tg_result_.checked, 0u) << context;                         \
  } while (false)

namespace tapegrad::testing {

/// A (n, 1) column (a braced {{a}, {b}} is ambiguous for xarray).
inline Tensor<double> column(std::initializer_list<double> values) {
  Tensor<double> t;
  t.resize({values.size(), 1});
  std::copy(values.begin(), values.end(), t.begin());
  return t;
}

/// "(2, 3)" for a gtest message.
inline std::string str(const Shape& shape) {
  return shape_to_string(shape);
}

/// Gradcheck of a one-input function of Vars.
inline GradcheckResult check_unary(const std::function<Var<double>(Var<double>)>& f,
                                   const Tensor<double>& x, const GradcheckOptions& options = {}) {
  return gradcheck([&](Tape<double>&, const std::vector<Var<double>>& in) { return f(in[0]); }, {x},
                   options);
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
      {Shape{}, Shape{3, 4}},      // scalar with matrix
      {Shape{4}, Shape{3, 4}},     // row vector (n,) with (B, n)
      {Shape{1, 4}, Shape{3, 4}},  // (1, n) with (B, n)
      {Shape{3, 1}, Shape{3, 4}},  // (B, 1) with (B, n)
      {Shape{3, 1}, Shape{1, 4}},  // outer-product style
      {Shape{}, Shape{5}},         // scalar with vector
      {Shape{1}, Shape{5}},        // size-1 vector with vector
      {Shape{1, 1}, Shape{3, 4}},  // 1×1 with matrix
      {Shape{}, Shape{}},          // two scalars
  };
  const std::size_t n = pairs.size();
  for (std::size_t i = 0; i < n; ++i)
    pairs.emplace_back(pairs[i].second, pairs[i].first);
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

/// The same shape and every element bit for bit.
inline void expect_tensor_equal(const Tensor<double>& actual, const Tensor<double>& expected,
                                const std::string& what = {}) {
  ASSERT_EQ(actual.shape(), expected.shape())
      << what << ": shape " << str(actual.shape()) << " vs " << str(expected.shape());
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_EQ(actual.data()[i], expected.data()[i]) << what << " at flat index " << i;
}

/// Runs `f`, which must record one op on `tape` and fail with exactly
/// `ErrorType`, raised by `op` at the node the op would have been; the
/// message must name the op, the node and contain every fragment; the tape
/// must keep its size (the failed forward rolled back).
template <class ErrorType, class T, class F>
void expect_op_error(Tape<T>& tape, F&& f, std::string_view op,
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

/// numpy broadcasting of two tensors of rank ≤ 2, by hand (independent of
/// the library): out(i, j) = f(a at the broadcast index, b at it).
inline Tensor<double> broadcast_reference(const Tensor<double>& a, const Tensor<double>& b,
                                          const std::function<double(double, double)>& f) {
  const auto extent = [](const Tensor<double>& t, std::size_t axis_from_right) -> std::size_t {
    const std::size_t rank = t.dimension();
    return axis_from_right < rank ? t.shape()[rank - 1 - axis_from_right] : 1;
  };
  const std::size_t rank = std::max(a.dimension(), b.dimension());
  const std::size_t cols = std::max(extent(a, 0), extent(b, 0));
  const std::size_t rows = std::max(extent(a, 1), extent(b, 1));
  const auto at = [&](const Tensor<double>& t, std::size_t i, std::size_t j) {
    const std::size_t ti = extent(t, 1) == 1 ? 0 : i;
    const std::size_t tj = extent(t, 0) == 1 ? 0 : j;
    return t.data()[ti * extent(t, 0) + tj];
  };
  Shape shape;
  if (rank == 2)
    shape = {rows, cols};
  if (rank == 1)
    shape = {cols};
  Tensor<double> out = Tensor<double>::from_shape(shape);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j)
      out.data()[i * cols + j] = f(at(a, i, j), at(b, i, j));
  }
  return out;
}

/// Inputs of `shape` in [low, high), or in −[low, high) ∪ [low, high) when
/// `both_signs` (for values that must stay away from 0).
inline Tensor<double> away_from_zero(const Shape& shape, std::uint64_t seed, double low,
                                     double high) {
  Tensor<double> t = random_tensor(shape, seed, low, high);
  Tensor<double> sign = random_tensor(shape, seed + 1000);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (sign.data()[i] < 0)
      t.data()[i] = -t.data()[i];
  }
  return t;
}

/// The full test of a broadcasting binary op: gradchecks on equal shapes and
/// every broadcast pair, forward values against `reference`, the registered
/// name, and the shape error for (2, 3) with (4,).
inline void check_binary_op(std::string_view name,
                            const std::function<Var<double>(Var<double>, Var<double>)>& op,
                            const std::function<double(double, double)>& reference,
                            bool b_away_from_zero) {
  std::uint64_t seed = 100;
  const auto make_b = [&](const Shape& shape) {
    return b_away_from_zero ? away_from_zero(shape, seed++, 0.5, 2.0)
                            : random_tensor(shape, seed++);
  };
  for (const Shape& shape : elementwise_shapes()) {
    const Tensor<double> a = random_tensor(shape, seed++);
    const Tensor<double> b = make_b(shape);
    TG_EXPECT_GRADCHECK(check_binary(op, a, b), name << " " << str(shape));
  }
  for (const auto& [sa, sb] : broadcast_pairs()) {
    const Tensor<double> a = random_tensor(sa, seed++);
    const Tensor<double> b = make_b(sb);
    TG_EXPECT_GRADCHECK(check_binary(op, a, b), name << " " << str(sa) << " with " << str(sb));

    Tape<double> tape;
    const Var<double> y = op(tape.constant(a), tape.constant(b));
    expect_tensor_near(y.value(), broadcast_reference(a, b, reference), 1e-15,
                       std::string(name) + " " + str(sa) + " with " + str(sb));
  }
  {  // by registered name
    const Tensor<double> a = random_tensor({2, 3}, seed++);
    const Tensor<double> b = make_b(Shape{3});
    TG_EXPECT_GRADCHECK(gradcheck(name, {a, b}), name << " by name");
    TG_EXPECT_GRADCHECK(gradcheck(name, {b, a}, {}), name << " by name, swapped");
  }
  {  // incompatible shapes
    Tape<double> tape;
    const Var<double> a = tape.variable(random_tensor({2, 3}, 1));
    const Var<double> b = tape.variable(random_tensor({4}, 2));
    expect_op_error<ShapeError>(tape, [&] { (void)op(a, b); }, name,
                                {"(2, 3)", "(4,)", "broadcast"});
    expect_op_error<ShapeError>(tape, [&] { (void)op(b, a); }, name, {"(4,)", "(2, 3)"});
    const Var<double> c = tape.variable(random_tensor({3, 2}, 3));
    expect_op_error<ShapeError>(tape, [&] { (void)op(a, c); }, name, {"(2, 3)", "(3, 2)"});
    // The tape still works after the failures, at the node id they did not use.
    const std::size_t before = tape.size();
    const Var<double> ok = op(a, a);
    EXPECT_EQ(ok.id(), static_cast<NodeId>(before));
    EXPECT_EQ(tape.size(), before + 1);
  }
}

/// How an elementwise unary op is checked: its inputs' domain and closed forms.
struct UnaryCase {
  std::string_view name;
  std::function<Var<double>(Var<double>)> op;
  Attributes attributes;  ///< for the check by registered name
  double low = -1, high = 1;
  bool both_signs = false;  ///< inputs in ±[low, high) (relu: away from 0)
  std::function<double(double)> value;
  std::function<double(double)> derivative;
};

inline Tensor<double> unary_inputs(const UnaryCase& c, const Shape& shape, std::uint64_t seed) {
  return c.both_signs ? away_from_zero(shape, seed, c.low, c.high)
                      : random_tensor(shape, seed, c.low, c.high);
}

/// The full test of an elementwise unary op: gradchecks on every shape (and
/// one of more than 16 elements, which takes the vectorised path), forward
/// values and the vector-Jacobian product against the closed forms, the
/// registered name, and the arity error of a call by name.
inline void check_unary_op(const UnaryCase& c) {
  std::uint64_t seed = 200;
  std::vector<Shape> shapes = elementwise_shapes();
  shapes.push_back({3, 7});
  for (const Shape& shape : shapes) {
    const Tensor<double> x = unary_inputs(c, shape, seed++);
    TG_EXPECT_GRADCHECK(check_unary(c.op, x), c.name << " " << str(shape));

    Tape<double> tape;
    const Var<double> xv = tape.variable(x);
    const Var<double> y = c.op(xv);
    ASSERT_EQ(y.shape(), x.shape()) << c.name;
    EXPECT_EQ(tape.node(y.id()).op->name(), c.name);
    const Tensor<double> seed_grad = random_tensor(shape, seed++);
    tape.backward(y, seed_grad);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double xi = x.data()[i];
      EXPECT_NEAR(y.value().data()[i], c.value(xi), 1e-14 * std::max(1.0, std::abs(c.value(xi))))
          << c.name << "(" << xi << ")";
      const double expected = seed_grad.data()[i] * c.derivative(xi);
      EXPECT_NEAR(xv.grad().data()[i], expected, 1e-13 * std::max(1.0, std::abs(expected)))
          << c.name << "'(" << xi << ")";
    }
  }
  {
    const Tensor<double> x = unary_inputs(c, {3, 2}, seed++);
    TG_EXPECT_GRADCHECK(gradcheck(c.name, {x}, c.attributes), c.name << " by name");
  }
  {  // two inputs to a one-input op, by name
    Tape<double> tape;
    const Var<double> x = tape.variable(unary_inputs(c, {2, 3}, seed++));
    expect_op_error<ValueError>(tape,
                                [&] {
                                  (void)tape.apply(c.name, {x, x}, c.attributes);
                                },
                                c.name, {"takes 1 input(s), got 2"});
  }
}

}  // namespace tapegrad::testing
