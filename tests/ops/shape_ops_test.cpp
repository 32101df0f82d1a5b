// The shape ops (sum_to, broadcast_to, reshape) and outer: values, float64
// gradient checks on random shapes, by-name application, bad input.

#include <gtest/gtest.h>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(SumToOp, SumsTheBroadcastAxesAway) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  EXPECT_EQ(sum_to(x, Shape{3}).value(), (Tensor<double>{5.0, 7.0, 9.0}));
  EXPECT_EQ(sum_to(x, Shape{2, 1}).value(), testing::column({6.0, 15.0}));
  EXPECT_EQ(sum_to(x, Shape{}).value()(), 21.0);
  EXPECT_EQ(sum_to(x, Shape{2, 3}).value(), x.value());
}

TEST(SumToOp, Gradcheck) {
  const std::pair<Shape, Shape> cases[] = {{{3, 4}, {4}},       {{3, 4}, {3, 1}}, {{3, 4}, {1, 4}},
                                           {{2, 3, 4}, {3, 1}}, {{5}, {}},        {{1}, {1}}};
  std::uint64_t seed = 1;
  for (const auto& [from, to] : cases) {
    TG_EXPECT_GRADCHECK(testing::check_unary([to = to](Var<double> x) { return sum_to(x, to); },
                                             random_tensor(from, seed++)),
                        "sum_to " << testing::str(from) << " → " << testing::str(to));
  }
  TG_EXPECT_GRADCHECK(
      gradcheck("sum_to", {random_tensor({3, 4}, 9)}, {{"rank", 2.0}, {"d0", 1.0}, {"d1", 4.0}}),
      "sum_to by name");
}

TEST(SumToOp, RejectsAShapeThatDoesNotBroadcastToTheInput) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({2, 3}, 1));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)sum_to(x, Shape{2}); }, "sum_to",
                                       {"cannot sum (2, 3) down to (2,)"});
  testing::expect_op_error<ShapeError>(tape,
                                       [&] {
                                         (void)sum_to(x, Shape{4, 2, 3});
                                       },
                                       "sum_to", {"(4, 2, 3)"});
}

TEST(BroadcastToOp, StretchesByNumpysRules) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  EXPECT_EQ(broadcast_to(x, Shape{3, 2}).value(),
            (Tensor<double>{{1.0, 2.0}, {1.0, 2.0}, {1.0, 2.0}}));
  tape.backward(sum(broadcast_to(x, Shape{3, 2})));
  EXPECT_EQ(x.grad(), (Tensor<double>{3.0, 3.0}));
}

TEST(BroadcastToOp, Gradcheck) {
  const std::pair<Shape, Shape> cases[] = {
      {{4}, {3, 4}}, {{3, 1}, {3, 4}}, {{}, {2, 3}}, {{1, 4}, {2, 3, 4}}, {{2}, {2}}};
  std::uint64_t seed = 11;
  for (const auto& [from, to] : cases) {
    TG_EXPECT_GRADCHECK(
        testing::check_unary([to = to](Var<double> x) { return broadcast_to(x, to); },
                             random_tensor(from, seed++)),
        "broadcast_to " << testing::str(from) << " → " << testing::str(to));
  }
}

TEST(BroadcastToOp, RejectsAnIncompatibleShape) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({3}, 1));
  testing::expect_op_error<ShapeError>(tape,
                                       [&] {
                                         (void)broadcast_to(x, Shape{2, 4});
                                       },
                                       "broadcast_to", {"cannot broadcast (3,) to (2, 4)"});
  const Var<double> m = tape.variable(random_tensor({2, 3}, 2));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)broadcast_to(m, Shape{3}); },
                                       "broadcast_to", {"(2, 3)", "(3,)"});
}

TEST(ReshapeOp, KeepsRowMajorOrder) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  EXPECT_EQ(reshape(x, Shape{3, 2}).value(), (Tensor<double>{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}));
  EXPECT_EQ(reshape(x, Shape{6}).value(), (Tensor<double>{1.0, 2.0, 3.0, 4.0, 5.0, 6.0}));
  const Tensor<double> g{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}};
  tape.backward(reshape(x, Shape{3, 2}), g);
  EXPECT_EQ(x.grad(), (Tensor<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}));
}

TEST(ReshapeOp, Gradcheck) {
  TG_EXPECT_GRADCHECK(testing::check_unary(
                          [](Var<double> x) {
                            return reshape(x, Shape{4, 3});
                          },
                          random_tensor({3, 4}, 21)),
                      "reshape (3, 4) → (4, 3)");
  TG_EXPECT_GRADCHECK(testing::check_unary([](Var<double> x) { return reshape(x, Shape{}); },
                                           random_tensor({1, 1}, 22)),
                      "reshape (1, 1) → ()");
  TG_EXPECT_GRADCHECK(gradcheck("reshape", {random_tensor({6}, 23)},
                                {{"rank", 3.0}, {"d0", 1.0}, {"d1", 2.0}, {"d2", 3.0}}),
                      "reshape by name");
}

TEST(ReshapeOp, RejectsADifferentElementCountAndBadAttributes) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({2, 3}, 1));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)reshape(x, Shape{4}); }, "reshape",
                                       {"cannot reshape (2, 3) (6 elements) to (4,)"});
  try {
    (void)tape.apply("reshape", {x}, {{"rank", 1.0}});
    ADD_FAILURE() << "missing d0 was accepted";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.detail(), "missing attribute 'd0'");
  }
  try {
    (void)tape.apply("reshape", {x}, {{"rank", 1.5}, {"d0", 6.0}});
    ADD_FAILURE() << "a fractional rank was accepted";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.detail(), "attribute 'rank' must be a whole number in [0, 8]");
  }
}

TEST(OuterOp, ValuesAndGradcheck) {
  Tape<double> tape;
  const Var<double> u = tape.variable(Tensor<double>{1.0, 2.0});
  const Var<double> v = tape.variable(Tensor<double>{3.0, 4.0, 5.0});
  EXPECT_EQ(outer(u, v).value(), (Tensor<double>{{3.0, 4.0, 5.0}, {6.0, 8.0, 10.0}}));
  tape.backward(sum(outer(u, v)));
  EXPECT_EQ(u.grad(), (Tensor<double>{12.0, 12.0}));
  EXPECT_EQ(v.grad(), (Tensor<double>{3.0, 3.0, 3.0}));

  TG_EXPECT_GRADCHECK(
      testing::check_binary([](Var<double> a, Var<double> b) { return outer(a, b); },
                            random_tensor({4}, 31), random_tensor({3}, 32)),
      "outer (4) (3)");
  TG_EXPECT_GRADCHECK(
      testing::check_binary([](Var<double> a, Var<double> b) { return outer(a, b); },
                            random_tensor({1}, 33), random_tensor({1}, 34)),
      "outer (1) (1)");
}

TEST(OuterOp, RejectsNonVectors) {
  Tape<double> tape;
  const Var<double> m = tape.variable(random_tensor({2, 2}, 1));
  const Var<double> v = tape.variable(random_tensor({3}, 2));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)outer(m, v); }, "outer",
                                       {"needs a vector u", "(2, 2)"});
  testing::expect_op_error<ShapeError>(tape, [&] { (void)outer(v, m); }, "outer",
                                       {"needs a vector v", "(2, 2)"});
}

TEST(OuterOp, TangentWithEitherOrBothFactorsSeeded) {
  Tape<double> tape;
  const Var<double> u = tape.variable(Tensor<double>{1.0, 2.0});
  const Var<double> v = tape.variable(Tensor<double>{3.0, 4.0, 5.0});
  const Tensor<double> du{0.5, -1.0};
  const Tensor<double> dv{2.0, 0.25, -3.0};
  const Var<double> y = outer(u, v);
  const Tensor<double> both = tape.jvp({y}, {{u, du}, {v, dv}})[0];
  const Tensor<double> only_u = tape.jvp({y}, {{u, du}})[0];
  const Tensor<double> only_v = tape.jvp({y}, {{v, dv}})[0];
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      EXPECT_EQ(only_u(i, j), du(i) * v.value()(j)) << i << j;
      EXPECT_EQ(only_v(i, j), u.value()(i) * dv(j)) << i << j;
      EXPECT_DOUBLE_EQ(both(i, j), du(i) * v.value()(j) + u.value()(i) * dv(j)) << i << j;
    }
  }
}

}  // namespace
}  // namespace tapegrad
