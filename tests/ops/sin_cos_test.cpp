#include <gtest/gtest.h>

#include <cmath>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;
using testing::UnaryCase;

TEST(SinOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"sin",
                                    [](Var<double> x) { return sin(x); },
                                    {},
                                    -3,
                                    3,
                                    false,
                                    [](double x) { return std::sin(x); },
                                    [](double x) { return std::cos(x); }});
}

TEST(CosOp, GradcheckAndClosedForms) {
  testing::check_unary_op(UnaryCase{"cos",
                                    [](Var<double> x) { return cos(x); },
                                    {},
                                    -3,
                                    3,
                                    false,
                                    [](double x) { return std::cos(x); },
                                    [](double x) { return -std::sin(x); }});
}

TEST(SinCosOp, KnownValuesAndPythagoras) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{0.0, M_PI / 2, M_PI});
  EXPECT_EQ(sin(x).value()(0), 0.0);
  EXPECT_DOUBLE_EQ(sin(x).value()(1), 1.0);
  EXPECT_EQ(cos(x).value()(0), 1.0);
  EXPECT_DOUBLE_EQ(cos(x).value()(2), -1.0);

  const Var<double> z = tape.variable(random_tensor({3, 2}, 4, -3.0, 3.0));
  const Var<double> one = add(square(sin(z)), square(cos(z)));
  testing::expect_tensor_near(one.value(), xt::ones<double>({3, 2}), 1e-15, "sin² + cos²");
  tape.backward(sum(one));
  testing::expect_tensor_near(z.grad(), xt::zeros<double>({3, 2}), 1e-15, "d(sin² + cos²)");
}

}  // namespace
}  // namespace tapegrad
