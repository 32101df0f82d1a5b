// Golden test: the lecture's worked example (SEED.md) to 1e-9 in float64,
// computed by the engine's own forward and reverse sweep.
#include <gtest/gtest.h>

#include <initializer_list>

#include "lecture/network.hpp"

namespace {

using tapegrad::Tensor;

constexpr double kTolerance = 1e-9;

void expect_values(const Tensor<double>& actual, std::initializer_list<double> expected,
                   const char* what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  std::size_t i = 0;
  for (double e : expected) {
    EXPECT_NEAR(actual.data()[i], e, kTolerance) << what << " element " << i;
    ++i;
  }
}

class LectureExample : public ::testing::Test {
 protected:
  void SetUp() override {
    pass = net.forward(tape);
    tape.backward(pass.loss);
  }
  lecture::Network net;
  tapegrad::Tape<double> tape;
  lecture::Network::Pass pass;
};

TEST_F(LectureExample, ForwardValuesMatchTheTable) {
  expect_values(pass.a1.value(), {0.445, 0.505}, "a(1)");
  expect_values(pass.h1.value(), {0.6094497836, 0.6236336283}, "h(1)");
  expect_values(pass.a2.value(), {1.1244150462, 1.2477233874}, "a(2)");
  expect_values(pass.y.value(), {0.7548067435, 0.7769055199}, "y");
  EXPECT_NEAR(pass.loss.item(), 0.3000731713, kTolerance);
}

TEST_F(LectureExample, GradientsMatchTheTable) {
  expect_values(pass.y.grad(), {0.7448067435, -0.2130944801}, "grad y");
  expect_values(pass.a2.grad(), {0.1378440083, -0.0369342456}, "grad a(2)");
  expect_values(net.b2.grad(), {0.1378440083, -0.0369342456}, "grad b(2)");
  expect_values(net.w2.grad(), {0.0840090010, 0.0859641590, -0.0225095680, -0.0230334376},
                "grad W(2)");
  expect_values(pass.h1.grad(), {0.0366704805, 0.0417159687}, "grad h(1)");
  expect_values(pass.a1.grad(), {0.0087283351, 0.0097913522}, "grad a(1)");
  expect_values(net.b1.grad(), {0.0087283351, 0.0097913522}, "grad b(1)");
  expect_values(net.w1.grad(), {0.0043641675, 0.0008728335, 0.0048956761, 0.0009791352},
                "grad W(1)");
}

TEST(LectureTraining, HundredStepsLowerTheLossMonotonically) {
  lecture::Network net;
  tapegrad::Tape<double> tape;
  double previous = 0;
  for (int step = 0; step <= 100; ++step) {
    tape.reset();
    const auto pass = net.forward(tape);
    const double loss = pass.loss.item();
    if (step == 0) {
      EXPECT_NEAR(loss, 0.3000731713, kTolerance);
    } else {
      EXPECT_LT(loss, previous) << "step " << step;
    }
    previous = loss;
    tape.backward(pass.loss);
    net.step(0.5);
  }
  EXPECT_LT(previous, 0.01);
}

}  // namespace
