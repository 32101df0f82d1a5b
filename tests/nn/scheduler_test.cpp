#include <gtest/gtest.h>

#include <cmath>

#include "nn/gradient_support.hpp"
#include "support/expect_error.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(LrScheduler, ScalesEveryGroupsBaseRateBySchedulesFactor) {
  Parameter<double> w(Tensor<double>{1.0}), b(Tensor<double>{1.0});
  nn::Sgd<double> sgd(
      {{.parameters = {&w}, .learning_rate = 0.1}, {.parameters = {&b}, .learning_rate = 0.3}});
  // factor 0.1^⌊k/2⌋, whatever the schedule's own base (0.5) is
  nn::LrScheduler<double> scheduler(sgd, nn::StepDecay(0.5, 2, 0.1));
  EXPECT_EQ(scheduler.position(), 0u);
  EXPECT_DOUBLE_EQ(sgd.learning_rate(0), 0.1);
  EXPECT_DOUBLE_EQ(sgd.learning_rate(1), 0.3);
  scheduler.step();
  EXPECT_DOUBLE_EQ(sgd.learning_rate(1), 0.3);
  scheduler.step();
  EXPECT_EQ(scheduler.position(), 2u);
  EXPECT_DOUBLE_EQ(scheduler.factor(), 0.1);
  EXPECT_DOUBLE_EQ(sgd.learning_rate(0), 0.1 * 0.1);
  EXPECT_DOUBLE_EQ(sgd.learning_rate(1), 0.3 * 0.1);
  EXPECT_DOUBLE_EQ(sgd.base_learning_rate(1), 0.3);
  scheduler.set_position(0);
  EXPECT_DOUBLE_EQ(sgd.learning_rate(1), 0.3);
}

TEST(LrScheduler, TheStepUsesTheScheduledRate) {
  Parameter<double> p(Tensor<double>{1.0});
  nn::Sgd<double> sgd({&p}, 0.2);
  nn::LrScheduler<double> scheduler(sgd, nn::CosineAnnealing(0.2, 10, 0.0, 2));
  EXPECT_EQ(sgd.learning_rate(), 0.0);  // warmup step 0
  testing::set_gradient(p, Tensor<double>{1.0});
  sgd.step();
  EXPECT_EQ(p.value()(0), 1.0);
  scheduler.step();  // k = 1: 0.2 · 1/2
  testing::set_gradient(p, Tensor<double>{1.0});
  sgd.step();
  EXPECT_DOUBLE_EQ(p.value()(0), 0.9);
}

TEST(LrScheduler, AFactorOfAnyShapeAndItsErrors) {
  Parameter<double> p(Tensor<double>{1.0});
  nn::Adam<double> adam({&p}, 0.01);
  nn::LrScheduler<double> scheduler(adam, [](std::size_t k) { return 1.0 / double(k + 1); });
  scheduler.step();
  scheduler.step();
  EXPECT_DOUBLE_EQ(adam.learning_rate(), 0.01 / 3);
  nn::LrScheduler<double> bad(adam, [](std::size_t k) { return k == 0 ? 1.0 : -1.0; });
  testing::expect_error<ValueError>([&] { bad.step(); },
                                    "adam: the learning rate must be a finite number ≥ 0");
  EXPECT_EQ(bad.position(), 0u);  // unchanged by the failed step
}

}  // namespace
}  // namespace tapegrad
