// Every optimiser used as backward()'s gradient_ready listener updates the
// parameters exactly as backward() followed by step() does, bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using MakeOptimizer =
    std::function<std::unique_ptr<nn::Optimizer<double>>(std::vector<Parameter<double>*>)>;

/// A two-layer net whose first weight is used twice (tied into the output
/// layer's input through a second watch), a frozen scale the optimiser does
/// not hold, and a bias that gets no gradient on even steps.
struct Model {
  Parameter<double> w1{Tensor<double>{{0.5, -1.0, 0.2}, {0.25, 2.0, -0.3}}, "w1"};
  Parameter<double> b1{Tensor<double>{0.1, -0.1}, "b1"};
  Parameter<double> w2{Tensor<double>{{1.5, -0.5}}, "w2"};
  Parameter<double> frozen{Tensor<double>{0.75}, "frozen"};

  std::vector<Parameter<double>*> trained() { return {&w1, &b1, &w2}; }

  Var<double> loss(Tape<double>& tape, int step) {
    Var<double> x = tape.constant(Tensor<double>{{1.0, 2.0, -0.5}, {-1.0, 0.5, 0.3}});
    Var<double> h = step % 2 == 0 ? tanh(linear(x, tape.watch(w1)))
                                  : tanh(linear(x, tape.watch(w1), tape.watch(b1)));
    Var<double> tied = sum(square(tape.watch(w1)));  // a second use of w1
    Var<double> out = linear(h, tape.watch(w2)) * tape.watch(frozen);
    return sum(square(out)) + scale(tied, 0.01);
  }
};

/// `tolerance` 0: bit for bit. Plain SGD's update of a parameter one linear
/// layer reads is written by that layer (scaled GEMM, scaled bias rows), so
/// its rounding may differ (relative to the weights' scale, not to θ − α∇θ,
/// which can cancel).
void expect_same_training(const MakeOptimizer& make, double tolerance = 0) {
  Model stepped, fused;
  auto stepped_opt = make(stepped.trained());
  auto fused_opt = make(fused.trained());
  Tape<double> tape;
  for (int step = 0; step < 4; ++step) {
    tape.reset();
    tape.backward(stepped.loss(tape, step));
    stepped_opt->step();
    tape.reset();
    tape.backward(fused.loss(tape, step), {.gradient_ready = fused_opt.get()});
    for (const auto& [a, b] : {std::pair{&stepped.w1, &fused.w1}, std::pair{&stepped.b1, &fused.b1},
                               std::pair{&stepped.w2, &fused.w2}}) {
      for (std::size_t i = 0; i < a->value().size(); ++i) {
        const double want = a->value().data()[i];
        EXPECT_NEAR(b->value().data()[i], want, tolerance * std::max(1.0, std::abs(want)))
            << stepped_opt->name() << " step " << step << " " << a->label() << " element " << i;
      }
      EXPECT_TRUE(b->grad_is_zero()) << b->label();
    }
  }
  // Not the optimiser's: its gradient accumulates in both, untouched.
  EXPECT_EQ(stepped.frozen.grad(), fused.frozen.grad());
  EXPECT_FALSE(fused.frozen.grad_is_zero());
  EXPECT_EQ(fused.frozen.value(), (Tensor<double>{0.75}));
}

TEST(OptimizerInBackward, SgdMatchesBackwardThenStep) {
  expect_same_training([](auto ps) { return std::make_unique<nn::Sgd<double>>(ps, 0.1); }, 1e-15);
}

TEST(OptimizerInBackward, MomentumAndNesterovMatchBackwardThenStep) {
  expect_same_training(
      [](auto ps) { return std::make_unique<nn::Momentum<double>>(ps, 0.1, 0.9); });
  expect_same_training(
      [](auto ps) { return std::make_unique<nn::Momentum<double>>(ps, 0.1, 0.9, true); });
}

TEST(OptimizerInBackward, AdamAndAdamWMatchBackwardThenStep) {
  expect_same_training([](auto ps) { return std::make_unique<nn::Adam<double>>(ps, 0.05); });
  expect_same_training([](auto ps) { return std::make_unique<nn::AdamW<double>>(ps, 0.05, 0.1); });
}

TEST(OptimizerInBackward, AdamCountsStepsPerParameter) {
  // b1 gets a gradient on odd steps only, so after 4 steps it has had 2
  // updates, each bias-corrected with its own t (1, then 2).
  Model model;
  nn::Adam<double> adam(model.trained(), 0.05);
  Tape<double> tape;
  for (int step = 0; step < 4; ++step) {
    tape.reset();
    tape.backward(model.loss(tape, step), {.gradient_ready = &adam});
  }
  EXPECT_EQ(adam.steps(), 4u);
  Parameter<double> b(Tensor<double>{0.1, -0.1}, "b");
  nn::Adam<double> alone({&b}, 0.05);
  EXPECT_EQ(alone.steps(), 0u);
}

TEST(OptimizerInBackward, TrainsAnMlpInFloat) {
  // The fused path through nn::Sequential, in float32: the loss falls.
  nn::Sequential<float> net = nn::mlp<float>({4, 16, 3}, {.seed = 7});
  nn::Sgd<float> sgd(net.parameters(), 0.2f);
  Tensor<float> x{{1, 0, 0, 1}, {0, 1, 1, 0}, {1, 1, 0, 0}};
  Tensor<float> labels{0, 1, 2};
  Tape<float> tape;
  float first = 0, last = 0;
  for (int step = 0; step < 50; ++step) {
    tape.reset();
    Var<float> loss = cross_entropy(net(tape.constant(x)), tape.constant(labels));
    tape.backward(loss, {.gradient_ready = &sgd});
    (step == 0 ? first : last) = loss.item();
  }
  EXPECT_LT(last, 0.1f * first);
}

}  // namespace
}  // namespace tapegrad
