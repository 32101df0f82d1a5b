#include <gtest/gtest.h>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

TEST(AbsOp, GradcheckAwayFromZero) {
  std::uint64_t seed = 1;
  for (const Shape& shape : testing::elementwise_shapes()) {
    // The kink at 0 has no derivative: keep finite differences off it.
    const Tensor<double> x = testing::away_from_zero(shape, seed++, 0.1, 2.0);
    TG_EXPECT_GRADCHECK(testing::check_unary([](Var<double> v) { return abs(v); }, x),
                        "abs " << testing::str(shape));
  }
  TG_EXPECT_GRADCHECK(gradcheck("abs", {Tensor<double>{{0.5, -1.5}, {2.0, -0.25}}}), "by name");
}

TEST(AbsOp, ValuesAndSubgradientZeroAtZero) {
  for (const std::size_t n : {3u, 40u}) {  // the scalar path and the xtensor path
    Tensor<double> x = Tensor<double>::from_shape({n});
    for (std::size_t i = 0; i < n; ++i)
      x(i) = static_cast<double>(i % 3) - 1.0;  // −1, 0, 1, …
    Tape<double> tape;
    const Var<double> v = tape.variable(x);
    const Var<double> y = abs(v);
    tape.backward(sum(y * 3.0));
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(y.value()(i), std::abs(x(i)));
      EXPECT_EQ(v.grad()(i), x(i) > 0 ? 3.0 : (x(i) < 0 ? -3.0 : 0.0)) << "n " << n << " i " << i;
    }
  }
}

}  // namespace
}  // namespace tapegrad
