// The layers in float32, training's default type: values and gradients
// against tapegrad's own float64 computation with the same weights, for the
// layers without a PyTorch reference (reference_layers_test.cpp runs those
// in float32 as well as in float64), each held to a float32 tolerance
// (reference_support.hpp); and a few Adam steps in float32 that lower a loss.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "nn/reference_support.hpp"
#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

Tensor<float> narrow(const Tensor<double>& t) {
  return testing::rounded_to<float>(t);
}

/// Sets each float parameter to its float64 namesake, rounded (same labels).
void copy_parameters(nn::Module<double>& from, nn::Module<float>& to) {
  const std::vector<Parameter<double>*> source = from.parameters();
  const std::vector<Parameter<float>*> target = to.parameters();
  ASSERT_EQ(source.size(), target.size());
  for (std::size_t k = 0; k < source.size(); ++k) {
    ASSERT_EQ(source[k]->label(), target[k]->label());
    target[k]->value() = narrow(source[k]->value());
  }
}

// ------------------------------------------ against tapegrad's own float64

/// The module in float64 and in float32 with the same weights, on the same
/// input (rounded for float32): outputs, input and parameter gradients of
/// sum(y ⊙ r) for a fixed random r. `input_has_gradient` is false for ids.
void expect_float32_matches_float64(nn::Module<double>& wide, nn::Module<float>& narrow_module,
                                    const Tensor<double>& x, bool input_has_gradient) {
  copy_parameters(wide, narrow_module);
  Tape<double> tape64;
  Var<double> x64 = input_has_gradient ? tape64.variable(x) : tape64.constant(x);
  Var<double> y64 = wide(x64);
  const Tensor<double> r = testing::random_tensor<double>(y64.shape(), 99);
  for (Parameter<double>* p : wide.parameters())
    p->zero_grad();
  tape64.backward(sum(y64 * tape64.constant(r)));

  Tape<float> tape32;
  Var<float> x32 = input_has_gradient ? tape32.variable(narrow(x)) : tape32.constant(narrow(x));
  Var<float> y32 = narrow_module(x32);
  for (Parameter<float>* p : narrow_module.parameters())
    p->zero_grad();
  tape32.backward(sum(y32 * tape32.constant(narrow(r))));

  testing::expect_agrees(y32.value(), y64.value(), "output");
  if (input_has_gradient)
    testing::expect_agrees(x32.grad(), x64.grad(), "input gradient");
  const std::vector<Parameter<double>*> p64 = wide.parameters();
  const std::vector<Parameter<float>*> p32 = narrow_module.parameters();
  for (std::size_t k = 0; k < p64.size(); ++k)
    testing::expect_agrees(p32[k]->grad(), p64[k]->grad(), "gradient of " + p64[k]->label());
}

TEST(Float32Layers, EmbeddingMatchesFloat64) {
  nn::Rng rng64(3), rng32(3);
  nn::Embedding<double> wide(7, 5, rng64);
  nn::Embedding<float> narrow_table(7, 5, rng32);
  // Repeated ids, so that their gradients add up.
  const Tensor<double> ids = {{4.0, 1.0, 1.0}, {6.0, 0.0, 4.0}};
  expect_float32_matches_float64(wide, narrow_table, ids, false);
}

TEST(Float32Layers, LayerNormMatchesFloat64) {
  nn::LayerNorm<double> wide(6);
  nn::LayerNorm<float> narrow_norm(6);
  wide.weight().value() = testing::random_tensor<double>({6}, 4, 0.5, 2.0);
  wide.bias().value() = testing::random_tensor<double>({6}, 5);
  // An offset larger than the spread: the mean must be taken out accurately.
  const Tensor<double> x = testing::random_tensor<double>({2, 3, 6}, 6, 9.0, 11.0);
  expect_float32_matches_float64(wide, narrow_norm, x, true);
}

TEST(Float32Layers, DropoutDrawsTheSameMaskAsFloat64) {
  nn::Dropout<double> wide(0.4, 11);
  nn::Dropout<float> narrow_dropout(0.4, 11);
  const Tensor<double> x = testing::random_tensor<double>({4, 16}, 8, 0.5, 1.5);
  expect_float32_matches_float64(wide, narrow_dropout, x, true);
  // The same elements dropped, and some of each kind.
  Tape<double> tape64;
  Tape<float> tape32;
  const Tensor<double> y64 = wide(tape64.constant(x)).value();
  const Tensor<float> y32 = narrow_dropout(tape32.constant(narrow(x))).value();
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(y64.flat(i) == 0, y32.flat(i) == 0) << i;
    dropped += y64.flat(i) == 0 ? 1 : 0;
  }
  EXPECT_GT(dropped, 0u);
  EXPECT_LT(dropped, x.size());
}

// ------------------------------------------------- training steps in float32

/// Ten Adam steps (learning rate 1e-2) on ½‖module(x) − t‖² / rows in
/// float32: the loss after them, relative to the loss before.
double loss_ratio_after_training(nn::Module<float>& module, const Tensor<float>& x,
                                 const Tensor<float>& target) {
  nn::Adam<float> adam(module.parameters(), 1e-2f);
  Tape<float> tape;
  double first = 0, last = 0;
  for (int step = 0; step <= 10; ++step) {
    tape.reset();
    const Var<float> loss = mse(module(tape.constant(x)), tape.constant(target), Reduction::mean);
    (step == 0 ? first : last) = loss.item();
    if (step == 10)
      break;
    adam.zero_grad();
    tape.backward(loss);
    adam.step();
  }
  EXPECT_GT(first, 0);
  return last / first;
}

Tensor<float> random_float(const Shape& shape, std::uint64_t seed) {
  return narrow(testing::random_tensor<double>(shape, seed));
}

/// A random target of `module`'s output shape for x.
Tensor<float> target_for(nn::Module<float>& module, const Tensor<float>& x, std::uint64_t seed) {
  Tape<float> tape;
  return random_float(module(tape.constant(x)).shape(), seed);
}

TEST(Float32Layers, TrainingStepsLowerTheLoss) {
  nn::Rng rng(21);
  struct Case {
    std::string name;
    std::function<std::unique_ptr<nn::Module<float>>()> make;
    Tensor<float> x;
  };
  const Tensor<float> sequences = random_float({2, 5, 8}, 30);
  std::vector<Case> cases;
  cases.push_back({"embedding", [&] { return std::make_unique<nn::Embedding<float>>(6, 4, rng); },
                   Tensor<float>{{0.0f, 3.0f, 5.0f}, {1.0f, 3.0f, 2.0f}}});
  cases.push_back(
      {"layer_norm", [] { return std::make_unique<nn::LayerNorm<float>>(8); }, sequences});
  cases.push_back({"rnn", [&] { return std::make_unique<nn::RNN<float>>(8, 6, rng); }, sequences});
  cases.push_back(
      {"lstm", [&] { return std::make_unique<nn::LSTM<float>>(8, 6, rng); }, sequences});
  cases.push_back({"gru", [&] { return std::make_unique<nn::GRU<float>>(8, 6, rng); }, sequences});
  cases.push_back({"attention",
                   [&] { return std::make_unique<nn::MultiHeadSelfAttention<float>>(8, 2, rng); },
                   sequences});
  cases.push_back({"transformer_block",
                   [&] { return std::make_unique<nn::TransformerBlock<float>>(8, 2, 16, rng); },
                   sequences});
  std::uint64_t seed = 40;
  for (Case& c : cases) {
    std::unique_ptr<nn::Module<float>> module = c.make();
    const Tensor<float> target = target_for(*module, c.x, seed++);
    // Each layer can fit a random target of its size only in part; ten steps
    // at 1e-2 take every one of them at least a tenth of the way.
    EXPECT_LT(loss_ratio_after_training(*module, c.x, target), 0.9) << c.name;
  }
}

TEST(Float32Layers, DropoutTrainsInsideANetwork) {
  // Dropout has no parameters of its own: a Linear before it learns through
  // the masked, rescaled elements (a new mask each step).
  nn::Rng rng(5);
  struct Net : nn::Module<float> {
    Net(nn::Rng& rng) : fc(8, 8, nn::Init::xavier_uniform, rng), dropout(0.25, 3) {
      this->register_module("fc", fc);
      this->register_module("dropout", dropout);
    }
    Var<float> forward(Var<float> x) override { return dropout(fc(x)); }
    nn::Linear<float> fc;
    nn::Dropout<float> dropout;
  } net(rng);
  const Tensor<float> x = random_float({16, 8}, 12);
  EXPECT_LT(loss_ratio_after_training(net, x, random_float({16, 8}, 13)), 0.9);
}

}  // namespace
}  // namespace tapegrad
