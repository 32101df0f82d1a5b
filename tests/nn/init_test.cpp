#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(Rng, IsTheStandardEngineWithOurOwnDistributions) {
  // The standard fixes mt19937_64's 10000th output for the default seed.
  nn::Rng rng(5489);
  for (int i = 0; i < 9999; ++i)
    (void)rng.next();
  EXPECT_EQ(rng.next(), 9981545732273789042ull);

  nn::Rng a(7), b(7);
  std::mt19937_64 engine(7);
  EXPECT_EQ(a.uniform(), static_cast<double>(engine() >> 11) * 0x1.0p-53);
  (void)b.uniform();
  for (int i = 0; i < 100; ++i) {
    const double u = a.uniform(-2.0, 3.0);
    EXPECT_EQ(u, b.uniform(-2.0, 3.0));
    EXPECT_GE(u, -2.0);
    EXPECT_LT(u, 3.0);
    EXPECT_LT(a.below(10), 10u);
    EXPECT_EQ(a.below(0), 0u);
    (void)b.below(0);
    (void)b.below(10);
    EXPECT_EQ(a.normal(), b.normal());
  }
}

TEST(Rng, NormalHasUnitVarianceAndBelowIsUniform) {
  nn::Rng rng(1);
  const int n = 200000;
  double sum = 0, squares = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    sum += z;
    squares += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(squares / n, 1.0, 0.01);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 30000; ++i)
    ++counts[rng.below(3)];
  for (const int c : counts)
    EXPECT_NEAR(c, 10000, 400);
}

TEST(Init, SameSeedSameWeightsAndTheAimedVariance) {
  const std::size_t in = 300, out = 200;
  for (const nn::Init init : {nn::Init::xavier_uniform, nn::Init::xavier_normal,
                              nn::Init::he_uniform, nn::Init::he_normal}) {
    nn::Rng r1(42), r2(42), r3(43);
    const Tensor<double> w = nn::init_weight<double>(in, out, init, r1);
    EXPECT_EQ(w, nn::init_weight<double>(in, out, init, r2));
    EXPECT_NE(w, nn::init_weight<double>(in, out, init, r3));
    ASSERT_EQ(w.shape(), (Shape{out, in}));
    const double target = nn::init_variance(init, in, out);
    double mean = 0, variance = 0, largest = 0;
    for (const double v : w) {
      mean += v;
      variance += v * v;
      largest = std::max(largest, std::abs(v));
    }
    mean /= static_cast<double>(w.size());
    variance /= static_cast<double>(w.size());
    EXPECT_NEAR(mean, 0.0, 0.01 * std::sqrt(target));
    EXPECT_NEAR(variance / target, 1.0, 0.02) << static_cast<int>(init);
    if (init == nn::Init::xavier_uniform || init == nn::Init::he_uniform) {
      EXPECT_LE(largest, std::sqrt(3 * target));  // U(−a, a), a² = 3 Var
    }
  }
  EXPECT_DOUBLE_EQ(nn::init_variance(nn::Init::xavier_uniform, 300, 200), 2.0 / 500);
  EXPECT_DOUBLE_EQ(nn::init_variance(nn::Init::he_normal, 300, 200), 2.0 / 300);
  nn::Rng rng(1);
  EXPECT_EQ(nn::init_weight<float>(3, 2, nn::Init::zeros, rng), xt::zeros<float>({2, 3}));
  EXPECT_THROW((void)nn::init_weight<float>(0, 2, nn::Init::he_uniform, rng), ValueError);
}

}  // namespace
}  // namespace tapegrad
