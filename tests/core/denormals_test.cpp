#include <gtest/gtest.h>

#include <limits>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(Denormals, FlushingTurnsSubnormalResultsIntoZero) {
  volatile float tiny = std::numeric_limits<float>::min();  // smallest normal
  volatile float half = 0.5f;
  ASSERT_TRUE(set_flush_denormals(true));
  EXPECT_EQ(tiny * half, 0.0f);
  ASSERT_TRUE(set_flush_denormals(false));
  EXPECT_GT(tiny * half, 0.0f);  // a subnormal again
}

TEST(Denormals, FlushingAppliesInsideTheEngine) {
  Tape<float> tape;
  Var<float> x = tape.variable(Tensor<float>{std::numeric_limits<float>::min()});
  set_flush_denormals(true);
  Var<float> y = sum(x * 0.5f);
  set_flush_denormals(false);
  EXPECT_EQ(y.item(), 0.0f);
}

}  // namespace
}  // namespace tapegrad
