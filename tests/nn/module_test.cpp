#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// Two Linears and a Sequential, to see names compose three levels down.
class Block : public nn::Module<double> {
 public:
  explicit Block(nn::Rng& rng)
      : query(2, 2, nn::Init::xavier_uniform, rng), scale_(Tensor<double>({1.0, 2.0})) {
    register_parameter("scale", scale_);
    register_module("query", query);
    inner.linear(2, 3, nn::Init::xavier_uniform, rng).activation(nn::Activation::tanh);
    register_module("inner", inner);
  }
  Var<double> forward(Var<double> x) override { return inner(query(x) * x.tape()->watch(scale_)); }
  nn::Linear<double> query;
  nn::Sequential<double> inner;

 private:
  Parameter<double> scale_;
};

std::vector<std::string> names_of(nn::Module<double>& m) {
  std::vector<std::string> names;
  for (const auto& [name, parameter] : m.named_parameters())
    names.push_back(name);
  return names;
}

TEST(Module, NestedNamesAreDottedAndLabelsFollowTheOutermostModule) {
  nn::Rng rng(1);
  nn::Sequential<double> blocks;
  blocks.add(std::make_unique<Block>(rng)).add(std::make_unique<Block>(rng));
  const std::vector<std::string> expected = {
      "0.scale", "0.query.W", "0.query.b", "0.inner.fc1.W", "0.inner.fc1.b",
      "1.scale", "1.query.W", "1.query.b", "1.inner.fc1.W", "1.inner.fc1.b"};
  EXPECT_EQ(names_of(blocks), expected);

  // Named inside a parent: the labels gain the parent's name, relative names do not.
  blocks.set_name("blocks");
  EXPECT_EQ(names_of(blocks), expected);
  const std::vector<Parameter<double>*> params = blocks.parameters();
  ASSERT_EQ(params.size(), expected.size());
  for (std::size_t i = 0; i < params.size(); ++i)
    EXPECT_EQ(params[i]->label(), "blocks." + expected[i]);
  EXPECT_EQ(blocks.module(1).name(), "blocks.1");
  auto& second = dynamic_cast<Block&>(blocks.module(1));
  EXPECT_EQ(second.query.weight().label(), "blocks.1.query.W");
  EXPECT_EQ(names_of(second.query), (std::vector<std::string>{"W", "b"}));
}

TEST(Module, TrainAndEvalReachEverySubModule) {
  nn::Rng rng(2);
  nn::Sequential<double> outer;
  outer.add(std::make_unique<Block>(rng), "block");
  auto& block = dynamic_cast<Block&>(outer.module(0));
  EXPECT_TRUE(block.inner.layer(0).is_training());
  outer.eval();
  EXPECT_FALSE(outer.is_training());
  EXPECT_FALSE(block.query.is_training());
  EXPECT_FALSE(block.inner.module(1).is_training());
  outer.train();
  EXPECT_TRUE(block.inner.layer(0).is_training());
  // A module added to a parent in eval mode takes the parent's mode.
  outer.eval();
  outer.add(std::make_unique<nn::ActivationLayer<double>>(nn::Activation::relu));
  EXPECT_FALSE(outer.module(1).is_training());
}

TEST(Module, SequentialHoldsAnyModuleAndAppliesThemInOrder) {
  nn::Rng rng(3);
  nn::Sequential<double> net;
  net.add(std::make_unique<Block>(rng)).linear(3, 1, nn::Init::xavier_uniform, rng);
  EXPECT_EQ(names_of(net).back(), "fc1.b");
  Tape<double> tape;
  const Tensor<double> x = {{0.5, -1.0}};
  Var<double> y = net(tape.constant(x));
  auto& block = dynamic_cast<Block&>(net.module(0));
  Tape<double> by_hand;
  Var<double> expected = net.layer(0)(block(by_hand.constant(x)));
  EXPECT_DOUBLE_EQ(y.value()(0, 0), expected.value()(0, 0));
}

TEST(Module, BadNamesAreValueErrors) {
  nn::Rng rng(4);
  nn::Sequential<double> net;
  net.linear(2, 2, nn::Init::zeros, rng, "head");
  try {
    net.linear(2, 2, nn::Init::zeros, rng, "head");
    FAIL() << "a duplicate name was accepted";
  } catch (const ValueError& e) {
    EXPECT_EQ(std::string(e.what()), "tapegrad: module: sub-module name 'head' is taken");
  }
  net.set_name("net");
  try {
    net.add(std::make_unique<nn::ActivationLayer<double>>(nn::Activation::relu), "a.b");
    FAIL() << "a dotted name was accepted";
  } catch (const ValueError& e) {
    EXPECT_EQ(std::string(e.what()),
              "tapegrad: module: sub-module name 'a.b' must be non-empty and hold no '.' (in "
              "module 'net')");
  }
  EXPECT_THROW(net.add(nullptr), ValueError);
  EXPECT_EQ(net.size(), 1u);
  EXPECT_THROW((void)net.module(1), ValueError);
}

}  // namespace
}  // namespace tapegrad
