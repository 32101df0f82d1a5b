#include <gtest/gtest.h>

#include <optional>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

/// Σ (or mean) of x over `axis` (all elements when empty), by visiting every
/// element's multi-index: independent of the library's (outer, length,
/// inner) loops.
Tensor<double> reduce_reference(const Tensor<double>& x, std::optional<int> axis, bool keepdims,
                                bool mean) {
  const Shape& shape = x.shape();
  const std::size_t rank = shape.size();
  Shape out_shape;
  std::size_t count = x.size();
  std::size_t a = 0;
  if (!axis) {
    if (keepdims)
      out_shape = Shape(rank, 1);
  } else {
    a = static_cast<std::size_t>(*axis < 0 ? *axis + static_cast<int>(rank) : *axis);
    count = shape[a];
    for (std::size_t k = 0; k < rank; ++k) {
      if (k != a)
        out_shape.push_back(shape[k]);
      if (k == a && keepdims)
        out_shape.push_back(1);
    }
  }
  Tensor<double> out = xt::zeros<double>(out_shape);
  for (std::size_t flat = 0; flat < x.size(); ++flat) {
    // multi-index of `flat`, then the flat index in `out` without axis a
    std::size_t rest = flat, out_flat = 0, out_stride = 1;
    for (std::size_t k = rank; k-- > 0;) {
      const std::size_t index = rest % shape[k];
      rest /= shape[k];
      if (axis && k == a)
        continue;
      if (axis) {
        out_flat += index * out_stride;
        out_stride *= shape[k];
      }
    }
    out.data()[out_flat] += x.data()[flat];
  }
  if (mean) {
    for (double& v : out)
      v /= static_cast<double>(count);
  }
  return out;
}

struct Case {
  Shape shape;
  std::optional<int> axis;
  bool keepdims;
};

std::vector<Case> reduction_cases() {
  std::vector<Case> cases;
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

std::string describe(const char* op, const Case& c) {
  return std::string(op) + " " + testing::str(c.shape) +
         (c.axis ? " axis " + std::to_string(*c.axis) : std::string(" all")) +
         (c.keepdims ? " keepdims" : "");
}

template <bool kMean>
Var<double> reduce(Var<double> x, const Case& c) {
  if (kMean) {
    if (!c.axis)
      return c.keepdims ? x.tape()->apply("mean", {x}, {{"keepdims", 1}}) : mean(x);
    return mean(x, *c.axis, c.keepdims);
  }
  if (!c.axis)
    return c.keepdims ? x.tape()->apply("sum", {x}, {{"keepdims", 1}}) : sum(x);
  return sum(x, *c.axis, c.keepdims);
}

template <bool kMean>
void check_reduction(const char* op) {
  std::uint64_t seed = kMean ? 1000 : 1;
  for (const Case& c : reduction_cases()) {
    const std::string what = describe(op, c);
    const Tensor<double> xv = random_tensor(c.shape, seed++);
    TG_EXPECT_GRADCHECK(
        testing::check_unary([&](Var<double> x) { return reduce<kMean>(x, c); }, xv), what);

    Tape<double> tape;
    const Var<double> x = tape.variable(xv);
    const Var<double> y = reduce<kMean>(x, c);
    EXPECT_EQ(tape.node(y.id()).op->name(), op);
    testing::expect_tensor_near(y.value(), reduce_reference(xv, c.axis, c.keepdims, kMean), 1e-14,
                                what);
    // With a seed of ones every element gets 1 (sum) or 1 / count (mean).
    tape.backward(y, xt::ones<double>(y.shape()));
    const double count =
        c.axis ? static_cast<double>(c.shape[static_cast<std::size_t>(
                     *c.axis < 0 ? *c.axis + static_cast<int>(c.shape.size()) : *c.axis)])
               : static_cast<double>(xv.size());
    const double expected = kMean ? 1.0 / count : 1.0;
    for (double g : x.grad())
      EXPECT_DOUBLE_EQ(g, expected) << what;
  }
}

TEST(SumOp, GradcheckAndValuesOverEveryAxis) {
  check_reduction<false>("sum");
}
TEST(MeanOp, GradcheckAndValuesOverEveryAxis) {
  check_reduction<true>("mean");
}

TEST(SumOp, KnownValuesAndByName) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  EXPECT_EQ(sum(x).rank(), 0u);
  EXPECT_EQ(sum(x).item(), 21.0);
  EXPECT_EQ(sum(x, 0).value(), (Tensor<double>{5.0, 7.0, 9.0}));
  EXPECT_EQ(sum(x, 1).value(), (Tensor<double>{6.0, 15.0}));
  EXPECT_EQ(sum(x, -1, true).value(), testing::column({6.0, 15.0}));
  EXPECT_EQ(sum(x, -2, true).value(), (Tensor<double>{{5.0, 7.0, 9.0}}));
  const Var<double> recorded = sum(x, -1, true);
  EXPECT_EQ(tape.node(recorded.id()).op->attributes(), (Attributes{{"axis", -1}, {"keepdims", 1}}));
  // The sum of no elements is 0.
  EXPECT_EQ(sum(tape.constant(Tensor<double>::from_shape({0}))).item(), 0.0);
  EXPECT_EQ(sum(tape.constant(Tensor<double>::from_shape({0, 3})), 0).value(),
            xt::zeros<double>({3}));

  const Tensor<double> xv = random_tensor({3, 4}, 5);
  TG_EXPECT_GRADCHECK(gradcheck("sum", {xv}), "sum by name");
  TG_EXPECT_GRADCHECK(gradcheck("sum", {xv}, {{"axis", -1}, {"keepdims", 1}}), "sum by name, axis");
  TG_EXPECT_GRADCHECK(gradcheck("sum", {xv}, {{"axis", 0}}), "sum by name, axis 0");
}

TEST(MeanOp, KnownValuesAndByName) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  EXPECT_EQ(mean(x).item(), 3.5);
  EXPECT_EQ(mean(x, 0).value(), (Tensor<double>{2.5, 3.5, 4.5}));
  EXPECT_EQ(mean(x, -1).value(), (Tensor<double>{2.0, 5.0}));
  EXPECT_EQ(mean(x, 1, true).value(), testing::column({2.0, 5.0}));
  // A mean over an axis of an empty tensor that keeps its elements is fine.
  EXPECT_EQ(mean(tape.constant(Tensor<double>::from_shape({3, 0})), 0).shape(), (Shape{0}));

  const Tensor<double> xv = random_tensor({3, 4}, 6);
  TG_EXPECT_GRADCHECK(gradcheck("mean", {xv}), "mean by name");
  TG_EXPECT_GRADCHECK(gradcheck("mean", {xv}, {{"axis", 1}, {"keepdims", 0}}),
                      "mean by name, axis");
}

TEST(SumOp, AxisOutOfRange) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({2, 3}, 1));
  testing::expect_op_error<ValueError>(tape, [&] { (void)sum(x, 2); }, "sum",
                                       {"axis 2", "(2, 3)", "out of range"});
  testing::expect_op_error<ValueError>(tape, [&] { (void)sum(x, -3, true); }, "sum",
                                       {"axis -3", "(2, 3)"});
  const Var<double> scalar = tape.variable(random_tensor({}, 2));
  testing::expect_op_error<ValueError>(tape, [&] { (void)sum(scalar, 0); }, "sum",
                                       {"axis 0", "()"});
  testing::expect_op_error<ValueError>(tape, [&] { (void)mean(x, 5); }, "mean",
                                       {"axis 5", "(2, 3)"});
}

TEST(MeanOp, OfEmptyTensorIsAnError) {
  Tape<double> tape;
  const Var<double> empty = tape.variable(Tensor<double>::from_shape({0}));
  testing::expect_op_error<ValueError>(tape, [&] { (void)mean(empty); }, "mean", {"(0,)"});
  const Var<double> empty_rows = tape.variable(Tensor<double>::from_shape({0, 3}));
  testing::expect_op_error<ValueError>(tape, [&] { (void)mean(empty_rows); }, "mean", {"(0, 3)"});
  testing::expect_op_error<ValueError>(tape, [&] { (void)mean(empty_rows, 0); }, "mean",
                                       {"(0, 3)"});
  const Var<double> empty_cols = tape.variable(Tensor<double>::from_shape({3, 0}));
  testing::expect_op_error<ValueError>(tape, [&] { (void)mean(empty_cols, -1, true); }, "mean",
                                       {"(3, 0)"});
}

}  // namespace
}  // namespace tapegrad
