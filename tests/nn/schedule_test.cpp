#include <gtest/gtest.h>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(StepDecay, DropsByGammaEveryInterval) {
  const nn::StepDecay decay(0.1, 3, 0.5);
  for (std::size_t k = 0; k < 3; ++k)
    EXPECT_DOUBLE_EQ(decay(k), 0.1);
  EXPECT_DOUBLE_EQ(decay(3), 0.05);
  EXPECT_DOUBLE_EQ(decay(5), 0.05);
  EXPECT_DOUBLE_EQ(decay(6), 0.025);
  EXPECT_THROW(nn::StepDecay(0.0, 3, 0.5), ValueError);
  EXPECT_THROW(nn::StepDecay(0.1, 0, 0.5), ValueError);
  EXPECT_THROW(nn::StepDecay(0.1, 3, 1.5), ValueError);
}

TEST(CosineAnnealing, WarmsUpThenFollowsHalfACosine) {
  const nn::CosineAnnealing cosine(1.0, 10, 0.0);
  EXPECT_DOUBLE_EQ(cosine(0), 1.0);
  EXPECT_NEAR(cosine(5), 0.5, 1e-15);
  EXPECT_NEAR(cosine(2), 0.5 * (1 + std::cos(3.14159265358979323846 * 0.2)), 1e-15);
  EXPECT_DOUBLE_EQ(cosine(10), 0.0);
  EXPECT_DOUBLE_EQ(cosine(100), 0.0);

  const nn::CosineAnnealing warm(0.2, 12, 0.02, 2);
  EXPECT_DOUBLE_EQ(warm(0), 0.0);  // base · 0/2
  EXPECT_DOUBLE_EQ(warm(1), 0.1);
  EXPECT_DOUBLE_EQ(warm(2), 0.2);  // cosine starts at the base
  EXPECT_NEAR(warm(7), 0.02 + 0.18 * 0.5, 1e-15);
  EXPECT_DOUBLE_EQ(warm(12), 0.02);

  EXPECT_THROW(nn::CosineAnnealing(1.0, 10, 1.0), ValueError);
  EXPECT_THROW(nn::CosineAnnealing(1.0, 10, 0.0, 10), ValueError);
  EXPECT_THROW(nn::CosineAnnealing(-1.0, 10), ValueError);
}

// Hugging Face's get_cosine_schedule_with_warmup: base·k/w while k < w, then
// the cosine from the base at k = w; the peak is one step, not two.
TEST(CosineAnnealing, WarmupPeaksOnceAtStepW) {
  constexpr double kPi = 3.14159265358979323846;
  const double base = 0.4, minimum = 0.04;
  const std::size_t w = 5, total = 25;
  const nn::CosineAnnealing cosine(base, total, minimum, w);
  EXPECT_DOUBLE_EQ(cosine(0), 0.0);
  EXPECT_DOUBLE_EQ(cosine(w - 1), base * 4 / 5);
  EXPECT_DOUBLE_EQ(cosine(w), base);
  EXPECT_DOUBLE_EQ(cosine(w + 1), minimum + (base - minimum) * 0.5 * (1 + std::cos(kPi / 20)));
  EXPECT_LT(cosine(w + 1), cosine(w));
  EXPECT_DOUBLE_EQ(cosine(total), minimum);
  EXPECT_DOUBLE_EQ(cosine(total + 1), minimum);
  EXPECT_EQ(cosine.base(), base);
}

}  // namespace
}  // namespace tapegrad
