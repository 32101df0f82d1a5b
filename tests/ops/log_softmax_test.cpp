#include <gtest/gtest.h>

#include <cmath>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(LogSoftmaxOp, Gradcheck) {
  std::uint64_t seed = 1;
  for (const Shape& shape :
       {Shape{1}, Shape{5}, Shape{1, 1}, Shape{1, 6}, Shape{4, 1}, Shape{3, 4}}) {
    const Tensor<double> x = random_tensor(shape, seed++, -2.0, 2.0);
    TG_EXPECT_GRADCHECK(testing::check_unary([](Var<double> v) { return log_softmax(v); }, x),
                        "log_softmax " << testing::str(shape));
  }
  TG_EXPECT_GRADCHECK(gradcheck("log_softmax", {random_tensor({3, 5}, 77, -2.0, 2.0)}),
                      "log_softmax by name");
}

TEST(LogSoftmaxOp, EqualsLogOfSoftmax) {
  for (const Shape& shape : {Shape{6}, Shape{3, 4}, Shape{1, 1}}) {
    Tape<double> tape;
    const Var<double> x = tape.variable(random_tensor(shape, 3, -4.0, 4.0));
    const Tensor<double> fused_value = log_softmax(x).value();
    const Tensor<double> composed_value = log(softmax(x)).value();
    testing::expect_tensor_near(fused_value, composed_value, 1e-14,
                                "log_softmax " + testing::str(shape));
    // Same gradient as the composition too.
    const Tensor<double> g = random_tensor(shape, 4);
    const Var<double> fused = log_softmax(x);
    tape.backward(fused, g);
    const Tensor<double> fused_grad = x.grad();
    const Var<double> composed = log(softmax(x));
    tape.backward(composed, g);
    testing::expect_tensor_near(fused_grad, x.grad(), 1e-13, "d log_softmax");
  }
}

TEST(LogSoftmaxOp, ClosedFormsAndStability) {
  Tape<double> tape;
  const Tensor<double> y = log_softmax(tape.constant(Tensor<double>{0.0, std::log(3.0)})).value();
  EXPECT_DOUBLE_EQ(y(0), -std::log(4.0));
  EXPECT_DOUBLE_EQ(y(1), std::log(3.0) - std::log(4.0));

  // x − logsumexp(x) stays finite where log(softmax(x)) would give −inf.
  const Var<double> x = tape.variable(Tensor<double>{{1000.0, -1000.0, 0.0}});
  const Var<double> ly = log_softmax(x);
  EXPECT_NEAR(ly.value()(0, 0), 0.0, 1e-12);
  EXPECT_NEAR(ly.value()(0, 1), -2000.0, 1e-9);
  EXPECT_NEAR(ly.value()(0, 2), -1000.0, 1e-9);
  const Tensor<double> g{{1.0, 2.0, 3.0}};
  tape.backward(ly, g);
  // ∂x = g − softmax(x) Σ g = g − (1, 0, 0) · 6
  testing::expect_tensor_near(x.grad(), Tensor<double>{{-5.0, 2.0, 3.0}}, 1e-12, "d log_softmax");
}

TEST(LogSoftmaxOp, RejectsScalarsAndAxesOutOfRange) {
  Tape<double> tape;
  const Var<double> cube = tape.variable(random_tensor({2, 3, 2}, 1));
  testing::expect_op_error<ValueError>(tape,
                                       [&] {
                                         (void)tape.apply("log_softmax", {cube}, {{"axis", 3}});
                                       },
                                       "log_softmax", {"axis 3", "(2, 3, 2)"});
  const Var<double> scalar = tape.variable(random_tensor({}, 2));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)log_softmax(scalar); }, "log_softmax",
                                       {"()"});
}

}  // namespace
}  // namespace tapegrad
