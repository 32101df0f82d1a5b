#include <gtest/gtest.h>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using testing::UnaryCase;

TEST(NegOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"neg",
                                    [](Var<double> x) { return neg(x); },
                                    {},
                                    -1,
                                    1,
                                    false,
                                    [](double x) { return -x; },
                                    [](double) { return -1.0; }});
}

TEST(NegOp, UnaryMinusOperator) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, -2.0, 0.0});
  const Var<double> y = -x;
  EXPECT_EQ(tape.node(y.id()).op->name(), "neg");
  EXPECT_EQ(y.value(), (Tensor<double>{-1.0, 2.0, -0.0}));
}

TEST(ScaleOp, GradcheckAndClosedForms) {
  for (const double factor : {2.5, -0.75, 0.0, 1.0}) {
    SCOPED_TRACE(factor);
    testing::check_unary_op(UnaryCase{"scale",
                                      [factor](Var<double> x) { return scale(x, factor); },
                                      {{"factor", factor}},
                                      -1,
                                      1,
                                      false,
                                      [factor](double x) { return factor * x; },
                                      [factor](double) { return factor; }});
  }
}

TEST(ScaleOp, RecordsItsFactorAndOperatorsUseIt) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, 2.0}});
  const Var<double> y = scale(x, 3.0);
  EXPECT_EQ(tape.node(y.id()).op->attributes(), (Attributes{{"factor", 3.0}}));
  EXPECT_EQ(y.value(), (Tensor<double>{{3.0, 6.0}}));
  const Var<double> z = x * 3.0;
  EXPECT_EQ(tape.node(z.id()).op->name(), "scale");
  EXPECT_EQ(z.value(), y.value());
}

TEST(ScaleOp, ByNameNeedsFactorAndRefusesUnknownAttributes) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({2}, 1));
  testing::expect_op_error<ValueError>(
      tape, [&] { (void)tape.apply("scale", {x}); }, "scale", {"missing attribute 'factor'"},
      /*expect_node=*/false);
  testing::expect_op_error<ValueError>(
      tape,
      [&] {
        (void)tape.apply("scale", {x}, {{"factor", 1.0}, {"offset", 2.0}});
      },
      "scale", {"unknown attribute 'offset'", "factor"}, /*expect_node=*/false);
}

TEST(ShiftOp, GradcheckAndClosedForms) {
  for (const double offset : {2.5, -0.75, 0.0}) {
    SCOPED_TRACE(offset);
    testing::check_unary_op(UnaryCase{"shift",
                                      [offset](Var<double> x) { return shift(x, offset); },
                                      {{"offset", offset}},
                                      -1,
                                      1,
                                      false,
                                      [offset](double x) { return x + offset; },
                                      [](double) { return 1.0; }});
  }
}

TEST(ShiftOp, RecordsItsOffsetAndOperatorsUseIt) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  const Var<double> y = shift(x, -0.5);
  EXPECT_EQ(tape.node(y.id()).op->attributes(), (Attributes{{"offset", -0.5}}));
  EXPECT_EQ(y.value(), (Tensor<double>{0.5, 1.5}));
  const Var<double> z = x - 0.5;
  EXPECT_EQ(tape.node(z.id()).op->name(), "shift");
  EXPECT_EQ(z.value(), y.value());
  testing::expect_op_error<ValueError>(
      tape, [&] { (void)tape.apply("shift", {x}); }, "shift", {"missing attribute 'offset'"},
      /*expect_node=*/false);
}

}  // namespace
}  // namespace tapegrad
