#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "nn/layer_gradcheck.hpp"
#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(LayerNorm, NormalisesTheLastAxisThenScalesAndShifts) {
  nn::LayerNorm<double> norm(4, 1e-3);
  EXPECT_EQ(norm.weight().value(), (Tensor<double>{1.0, 1.0, 1.0, 1.0}));
  EXPECT_EQ(norm.bias().value(), (Tensor<double>{0.0, 0.0, 0.0, 0.0}));
  norm.weight().value() = Tensor<double>{1.0, 2.0, -1.0, 0.5};
  norm.bias().value() = Tensor<double>{0.0, 1.0, 0.0, -2.0};
  const Tensor<double> x = testing::random_tensor<double>({2, 3, 4}, 7, -3.0, 3.0);
  Tape<double> tape;
  Var<double> y = norm(tape.constant(x));
  ASSERT_EQ(y.shape(), x.shape());
  for (std::size_t b = 0; b < 2; ++b) {
    for (std::size_t t = 0; t < 3; ++t) {
      double mean = 0, var = 0;
      for (std::size_t i = 0; i < 4; ++i)
        mean += x(b, t, i) / 4;
      for (std::size_t i = 0; i < 4; ++i)
        var += (x(b, t, i) - mean) * (x(b, t, i) - mean) / 4;  // biased, as PyTorch
      for (std::size_t i = 0; i < 4; ++i) {
        const double expected =
            (x(b, t, i) - mean) / std::sqrt(var + 1e-3) * norm.weight().value()(i) +
            norm.bias().value()(i);
        EXPECT_NEAR(y.value()(b, t, i), expected, 1e-14);
      }
    }
  }
}

TEST(LayerNorm, Gradcheck) {
  nn::LayerNorm<double> norm(5);
  norm.weight().value() = testing::random_tensor<double>({5}, 1, 0.5, 2.0);
  norm.bias().value() = testing::random_tensor<double>({5}, 2);
  testing::expect_layer_gradients([&](Tape<double>&, Var<double> x) { return norm(x); },
                                  testing::random_tensor<double>({3, 5}, 3), norm.parameters());
  testing::expect_layer_gradients([&](Tape<double>&, Var<double> x) { return norm(x); },
                                  testing::random_tensor<double>({5}, 4), norm.parameters());
}

TEST(LayerNorm, WrongFeaturesAndBadSettingsAreErrors) {
  nn::LayerNorm<double> norm(3);
  norm.set_name("ln1");
  Tape<double> tape;
  try {
    (void)norm(tape.constant(Tensor<double>{{1.0, 2.0}}));
    FAIL() << "2 features were accepted by a layer norm of 3";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.op(), "layer_norm");
    EXPECT_EQ(e.label(), "ln1");
    EXPECT_EQ(e.detail(), "input of shape (1, 2), expected rank ≥ 1 with last extent 3");
  }
  EXPECT_THROW(nn::LayerNorm<double>(0), ValueError);
  EXPECT_THROW(nn::LayerNorm<double>(3, 0.0), ValueError);
  EXPECT_THROW(nn::LayerNorm<double>(3, NAN), ValueError);
}

}  // namespace
}  // namespace tapegrad
