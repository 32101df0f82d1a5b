#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ops/op_test_support.hpp"
#include "ops/reduction_reference.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using testing::ReductionCase;

double sum_of(const std::vector<double>& values) {
  double total = 0;
  for (const double v : values)
    total += v;
  return total;
}

template <bool kMean>
Var<double> reduce(Var<double> x, const ReductionCase& c) {
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
  for (const ReductionCase& c : testing::reduction_cases()) {
    const std::string what = c.describe(op);
    const Tensor<double> xv = random_tensor(c.shape, seed++);
    TG_EXPECT_GRADCHECK(
        testing::check_unary([&](Var<double> x) { return reduce<kMean>(x, c); }, xv), what);

    Tape<double> tape;
    const Var<double> x = tape.variable(xv);
    const Var<double> y = reduce<kMean>(x, c);
    EXPECT_EQ(tape.node(y.id()).op->name(), op);
    const auto reference = [](const std::vector<double>& values) {
      return kMean ? sum_of(values) / static_cast<double>(values.size()) : sum_of(values);
    };
    testing::expect_tensor_near(y.value(), testing::slice_reference(xv, c, reference), 1e-14, what);
    // With a seed of ones every element gets 1 (sum) or 1 / count (mean).
    tape.backward(y, xt::ones<double>(y.shape()));
    const double expected = kMean ? 1.0 / static_cast<double>(c.length()) : 1.0;
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
