#include <gtest/gtest.h>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(TransposeOp, Gradcheck) {
  std::uint64_t seed = 1;
  for (const Shape& shape : testing::elementwise_shapes()) {
    TG_EXPECT_GRADCHECK(testing::check_unary([](Var<double> x) { return transpose(x); },
                                             random_tensor(shape, seed++)),
                        "transpose " << testing::str(shape));
  }
  TG_EXPECT_GRADCHECK(
      testing::check_unary([](Var<double> x) { return transpose(x); }, random_tensor({5, 2}, 9)),
      "transpose (5, 2)");
  TG_EXPECT_GRADCHECK(gradcheck("transpose", {random_tensor({2, 3}, 10)}), "transpose by name");
}

TEST(TransposeOp, SwapsAxes) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  const Var<double> y = transpose(x);
  EXPECT_EQ(y.value(), (Tensor<double>{{1.0, 4.0}, {2.0, 5.0}, {3.0, 6.0}}));
  const Tensor<double> g{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}};
  tape.backward(y, g);
  EXPECT_EQ(x.grad(), (Tensor<double>{{1.0, 3.0, 5.0}, {2.0, 4.0, 6.0}}));

  const Tensor<double> mv = random_tensor({4, 3}, 2);
  const Var<double> m = tape.variable(mv);
  EXPECT_EQ(transpose(transpose(m)).value(), mv);
  const Tensor<double> col = transpose(tape.constant(Tensor<double>{{1.0, 2.0, 3.0}})).value();
  EXPECT_EQ(col, testing::column({1.0, 2.0, 3.0}));
}

TEST(TransposeOp, VectorsAndScalarsPassThrough) {
  Tape<double> tape;
  const Tensor<double> vv{1.0, 2.0, 3.0};
  EXPECT_EQ(transpose(tape.constant(vv)).value(), vv);
  const Tensor<double> sv = random_tensor({}, 3);
  const Var<double> s = transpose(tape.constant(sv));
  EXPECT_EQ(s.rank(), 0u);
  EXPECT_EQ(s.item(), sv());
}

TEST(TransposeOp, RejectsRank3) {
  Tape<double> tape;
  const Var<double> cube = tape.variable(random_tensor({2, 3, 4}, 1));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)transpose(cube); }, "transpose",
                                       {"(2, 3, 4)"});
}

}  // namespace
}  // namespace tapegrad
