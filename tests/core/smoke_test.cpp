#include <gtest/gtest.h>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(Smoke, GradientOfProductAndSum) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0, 3.0}, "x");
  Var<double> y = sum(x * x + sin(x));
  tape.backward(y);
  const Tensor<double>& g = x.grad();
  for (std::size_t i = 0; i < 3; ++i) {
    const double xi = static_cast<double>(i + 1);
    EXPECT_DOUBLE_EQ(g(i), 2 * xi + std::cos(xi));
  }
}

TEST(Smoke, GradcheckOfAnMlpLayer) {
  const auto result = gradcheck(
      [](Tape<double>&, const std::vector<Var<double>>& in) {
        return softmax(tanh(linear(in[0], in[1], in[2])));
      },
      {testing::random_tensor({4, 3}, 1), testing::random_tensor({5, 3}, 2),
       testing::random_tensor({5}, 3)});
  EXPECT_TRUE(result.ok) << result.report();
}

}  // namespace
}  // namespace tapegrad
