#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// Records L = Σ θ² (∇θ = 2θ) and runs backward.
void quadratic_gradient(Parameter<double>& p) {
  Tape<double> tape;
  tape.backward(sum(square(tape.watch(p))));
}

TEST(Momentum, TwoStepsByHand) {
  Parameter<double> p(Tensor<double>{1.0, -0.5});
  nn::Momentum<double> opt({&p}, 0.1, 0.9);
  quadratic_gradient(p);  // g = [2, −1]; v = g; θ = θ − 0.1 v
  opt.step();
  EXPECT_NEAR(p.value()(0), 0.8, 1e-15);
  EXPECT_NEAR(p.value()(1), -0.4, 1e-15);
  EXPECT_TRUE(p.grad_is_zero());
  quadratic_gradient(p);  // g = [1.6, −0.8]; v = 0.9·[2, −1] + g = [3.4, −1.7]
  opt.step();
  EXPECT_NEAR(p.value()(0), 0.8 - 0.34, 1e-15);
  EXPECT_NEAR(p.value()(1), -0.4 + 0.17, 1e-15);
  EXPECT_EQ(opt.name(), "momentum");
}

TEST(Momentum, NesterovTwoStepsByHand) {
  Parameter<double> p(Tensor<double>{1.0});
  nn::Momentum<double> opt({&p}, 0.1, 0.9, true);
  quadratic_gradient(p);  // g = 2, v = 2, θ = 1 − 0.1 (2 + 0.9·2) = 0.62
  opt.step();
  EXPECT_NEAR(p.value()(0), 0.62, 1e-15);
  quadratic_gradient(p);  // g = 1.24, v = 1.8 + 1.24 = 3.04, θ −= 0.1 (1.24 + 2.736)
  opt.step();
  EXPECT_NEAR(p.value()(0), 0.62 - 0.3976, 1e-15);
  EXPECT_EQ(opt.name(), "nesterov");
}

TEST(Adam, ThreeStepsByHand) {
  Parameter<double> p(Tensor<double>{1.0, -3.0});
  Parameter<double> untouched(Tensor<double>{5.0});
  nn::Adam<double> opt({&p, &untouched}, 0.1);
  double theta[2] = {1.0, -3.0}, m[2] = {0, 0}, v[2] = {0, 0};
  for (int t = 1; t <= 3; ++t) {
    quadratic_gradient(p);
    opt.step();
    for (int i = 0; i < 2; ++i) {
      const double g = 2 * theta[i];
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      const double m_hat = m[i] / (1 - std::pow(0.9, t));
      const double v_hat = v[i] / (1 - std::pow(0.999, t));
      theta[i] -= 0.1 * m_hat / (std::sqrt(v_hat) + 1e-8);
      EXPECT_NEAR(p.value()(i), theta[i], 1e-12) << "step " << t;
    }
  }
  // Step 1 moves each element by lr·sign(g) (up to ε): 1 → 0.9.
  EXPECT_EQ(opt.steps(), 3u);
  EXPECT_EQ(untouched.value()(0), 5.0);  // no gradient, no update
  // The first step exactly, as numbers.
  Parameter<double> q(Tensor<double>{1.0});
  nn::Adam<double> first({&q}, 0.1);
  quadratic_gradient(q);
  first.step();
  EXPECT_NEAR(q.value()(0), 1.0 - 0.1 * 2.0 / (2.0 + 1e-8), 1e-15);
}

TEST(AdamW, DecaysDecoupledFromTheGradient) {
  Parameter<double> p(Tensor<double>{2.0});
  nn::AdamW<double> opt({&p}, 0.01, 0.5, {0.8, 0.99, 1e-6});
  double theta = 2.0, m = 0, v = 0;
  for (int t = 1; t <= 2; ++t) {
    quadratic_gradient(p);
    opt.step();
    const double g = 2 * theta;
    m = 0.8 * m + 0.2 * g;
    v = 0.99 * v + 0.01 * g * g;
    theta = theta * (1 - 0.01 * 0.5) -
            0.01 * (m / (1 - std::pow(0.8, t))) / (std::sqrt(v / (1 - std::pow(0.99, t))) + 1e-6);
    EXPECT_NEAR(p.value()(0), theta, 1e-12) << "step " << t;
  }
  EXPECT_EQ(opt.name(), "adamw");
}

TEST(Optimizers, LearningRateCanBeScheduledAndSgdStillWorks) {
  Parameter<double> p(Tensor<double>{1.0});
  nn::Sgd<double> sgd({&p}, 0.5);
  nn::Optimizer<double>& opt = sgd;  // usable through the common interface
  const nn::StepDecay decay(0.5, 1, 0.5);
  for (std::size_t k = 0; k < 2; ++k) {
    opt.set_learning_rate(decay(k));
    quadratic_gradient(p);
    opt.step();
  }
  // θ = 1 − 0.5·2 = 0, then 0 − 0.25·0 = 0.
  EXPECT_EQ(p.value()(0), 0.0);
  EXPECT_EQ(opt.learning_rate(), 0.25);
}

TEST(Optimizers, FloatStepsMatchTheDoubleOnesClosely) {
  Parameter<float> p(Tensor<float>{1.0f, -3.0f});
  nn::Adam<float> opt({&p}, 0.1f);
  Tape<float> tape;
  tape.backward(sum(square(tape.watch(p))));
  opt.step();
  EXPECT_NEAR(p.value()(0), 0.9f, 1e-6f);
  EXPECT_NEAR(p.value()(1), -2.9f, 1e-6f);
}

TEST(Optimizers, RejectBadSettings) {
  Parameter<double> p(Tensor<double>{1.0});
  const auto expect_value_error = [](auto make, const char* op, const char* fragment) {
    try {
      make();
      ADD_FAILURE() << "accepted: " << fragment;
    } catch (const ValueError& e) {
      EXPECT_EQ(e.op(), op);
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  expect_value_error([&] { nn::Momentum<double>({&p}, 0.1, 1.0); }, "momentum", "[0, 1)");
  expect_value_error([&] { nn::Momentum<double>({&p}, 0.1, -0.1, true); }, "nesterov", "[0, 1)");
  expect_value_error([&] { nn::Adam<double>({&p}, 0.1, {1.0, 0.999, 1e-8}); }, "adam", "beta1");
  expect_value_error([&] { nn::Adam<double>({&p}, 0.1, {0.9, 0.999, 0.0}); }, "adam", "epsilon");
  expect_value_error([&] { nn::AdamW<double>({&p}, 0.1, -1.0); }, "adamw", "weight decay");
  expect_value_error([&] { nn::Adam<double>({&p}, -0.1); }, "adam", "positive finite");
  expect_value_error([&] { nn::Adam<double>({&p, nullptr}, 0.1); }, "adam", "parameter 1 is null");
  p.set_label("w");
  expect_value_error(
      [&] {
        nn::Sgd<double>({&p, &p}, 0.1);
      },
      "sgd", "parameters 0 and 1 ('w') are the same");
  nn::Adam<double> adam({&p}, 0.1);
  expect_value_error([&] { adam.set_learning_rate(std::numeric_limits<double>::quiet_NaN()); },
                     "adam", "a finite number ≥ 0, got nan");
}

}  // namespace
}  // namespace tapegrad
