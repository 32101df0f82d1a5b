#include <gtest/gtest.h>

#include <string>

#include "nn/gradient_support.hpp"
#include "support/expect_error.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::expect_error;
using testing::set_gradient;

TEST(ParameterGroups, SplitByPredicateKeepsOrder) {
  nn::Rng rng(1);
  nn::Linear<double> fc1(3, 2, nn::Init::xavier_uniform, rng, "fc1");
  nn::Linear<double> fc2(2, 1, nn::Init::xavier_uniform, rng, "fc2");
  std::vector<std::pair<std::string, Parameter<double>*>> named = fc1.named_parameters();
  for (auto& entry : fc2.named_parameters())
    named.push_back(entry);
  const auto [weights, vectors] = nn::split_parameters(named, nn::is_matrix);
  ASSERT_EQ(weights.size(), 2u);
  ASSERT_EQ(vectors.size(), 2u);
  EXPECT_EQ(weights[0]->label(), "fc1.W");
  EXPECT_EQ(weights[1]->label(), "fc2.W");
  EXPECT_EQ(vectors[0]->label(), "fc1.b");
  EXPECT_EQ(vectors[1]->label(), "fc2.b");
  const auto [named_b, rest] = nn::split_parameters(
      named, [](const std::string& name, const Parameter<double>&) { return name == "b"; });
  EXPECT_EQ(named_b.size(), 2u);
  EXPECT_EQ(rest.size(), 2u);
}

TEST(ParameterGroups, SgdUsesEachGroupsRateAndL2Decay) {
  Parameter<double> w(Tensor<double>{1.0, -2.0}), b(Tensor<double>{3.0});
  nn::Sgd<double> sgd({{.parameters = {&w}, .learning_rate = 0.1, .weight_decay = 0.5},
                       {.parameters = {&b}, .learning_rate = 0.2}});
  ASSERT_EQ(sgd.group_count(), 2u);
  EXPECT_EQ(sgd.group_of(0), 0u);
  EXPECT_EQ(sgd.group_of(1), 1u);
  EXPECT_EQ(sgd.weight_decay(0), 0.5);
  EXPECT_EQ(sgd.weight_decay(1), 0.0);
  set_gradient(w, Tensor<double>{0.5, 1.0});
  set_gradient(b, Tensor<double>{1.0});
  sgd.step();
  // w − 0.1 (g + 0.5 w) = [1 − 0.1·1, −2 − 0.1·0] ; b − 0.2 g
  EXPECT_DOUBLE_EQ(w.value()(0), 0.9);
  EXPECT_DOUBLE_EQ(w.value()(1), -2.0);
  EXPECT_DOUBLE_EQ(b.value()(0), 2.8);
  // The fused update inside a GEMM cannot decay: only b may use it.
  EXPECT_FALSE(sgd.direct_update_scale(w).has_value());
  EXPECT_EQ(sgd.direct_update_scale(b), -0.2);
}

TEST(ParameterGroups, MomentumAddsTheDecayToTheGradient) {
  Parameter<double> p(Tensor<double>{2.0});
  nn::Momentum<double> opt({{.parameters = {&p}, .learning_rate = 0.1, .weight_decay = 0.25}}, 0.9);
  set_gradient(p, Tensor<double>{1.0});  // g + λθ = 1.5 = v; θ = 2 − 0.15
  opt.step();
  EXPECT_DOUBLE_EQ(p.value()(0), 1.85);
  EXPECT_DOUBLE_EQ(opt.velocity(0)(0), 1.5);
}

TEST(ParameterGroups, AdamDecaysThroughTheGradientAdamWDecoupled) {
  // One step of Adam with m̂ = g', v̂ = g'² moves θ by α·g'/(|g'| + ε) whatever λ is
  // (the sign of g + λθ); AdamW first shrinks θ by 1 − αλ.
  Parameter<double> a(Tensor<double>{1.0}), b(Tensor<double>{1.0});
  nn::Adam<double> adam({{.parameters = {&a}, .learning_rate = 0.1, .weight_decay = 3.0}},
                        {0.9, 0.999, 1e-8});
  set_gradient(a, Tensor<double>{-1.0});  // g' = −1 + 3 = 2: θ goes down
  adam.step();
  EXPECT_NEAR(a.value()(0), 1.0 - 0.1 * 2 / (2 + 1e-8), 1e-15);
  EXPECT_NEAR(adam.first_moment(0)(0), 0.2, 1e-15);

  nn::AdamW<double> adamw({{.parameters = {&b}, .learning_rate = 0.1, .weight_decay = 3.0}},
                          {0.9, 0.999, 1e-8});
  set_gradient(b, Tensor<double>{-1.0});  // gradient untouched: θ goes up after the shrink
  adamw.step();
  EXPECT_NEAR(b.value()(0), (1.0 - 0.3) + 0.1 / (1 + 1e-8), 1e-15);
  EXPECT_NEAR(adamw.first_moment(0)(0), -0.1, 1e-15);
}

TEST(ParameterGroups, SetLearningRateForOneGroupOrAll) {
  Parameter<double> w(Tensor<double>{1.0}), b(Tensor<double>{1.0});
  nn::Sgd<double> sgd(
      {{.parameters = {&w}, .learning_rate = 0.1}, {.parameters = {&b}, .learning_rate = 0.2}});
  sgd.set_learning_rate(1, 0.05);
  EXPECT_EQ(sgd.learning_rate(0), 0.1);
  EXPECT_EQ(sgd.learning_rate(1), 0.05);
  EXPECT_EQ(sgd.base_learning_rate(1), 0.2);
  sgd.set_learning_rate(0.0);  // allowed: a warmup starts at 0
  EXPECT_EQ(sgd.learning_rate(0), 0.0);
  EXPECT_EQ(sgd.learning_rate(1), 0.0);
}

TEST(ParameterGroups, BadGroupsAreValueErrors) {
  Parameter<double> w(Tensor<double>{1.0}, "w");
  expect_error<ValueError>(
      [&] {
        nn::Sgd<double>({{.parameters = {&w}, .learning_rate = 0.1},
                         {.parameters = {&w}, .learning_rate = 0.2}});
      },
      "sgd: parameters 0 and 1 ('w') are the same");
  expect_error<ValueError>(
      [&] {
        nn::AdamW<double>({{.parameters = {}, .learning_rate = 0.1},
                           {.parameters = {&w}, .learning_rate = 0.1, .weight_decay = -1}});
      },
      "adamw: the weight decay of group 1 must be a finite number ≥ 0, got -1");
  expect_error<ValueError>([&] { nn::Adam<double>({{.parameters = {&w}, .learning_rate = 0}}); },
                           "adam: the learning rate must be a positive finite number, got 0");
  nn::Sgd<double> sgd({&w}, 0.1);
  expect_error<ValueError>([&] { sgd.set_learning_rate(2, 0.1); },
                           "sgd: there is no group 2: the optimiser has 1");
  expect_error<ValueError>([&] { sgd.set_learning_rate(-0.5); },
                           "sgd: the learning rate must be a finite number ≥ 0, got -0.5");
}

}  // namespace
}  // namespace tapegrad
