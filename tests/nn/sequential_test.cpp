#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include <xtensor/xbuilder.hpp>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// x · Wᵀ + b by hand, for a (batch, in) x.
Tensor<double> affine(const Tensor<double>& x, const Tensor<double>& w, const Tensor<double>& b) {
  const std::size_t batch = x.shape()[0], in = x.shape()[1], out = w.shape()[0];
  Tensor<double> y = Tensor<double>::from_shape({batch, out});
  for (std::size_t r = 0; r < batch; ++r) {
    for (std::size_t o = 0; o < out; ++o) {
      double s = b(o);
      for (std::size_t i = 0; i < in; ++i)
        s += x(r, i) * w(o, i);
      y(r, o) = s;
    }
  }
  return y;
}

TEST(Sequential, MlpComputesTheLayersByHandAndLabelsItsParameters) {
  nn::Sequential<double> net =
      nn::mlp<double>({3, 4, 2}, {nn::Activation::tanh, nn::Activation::sigmoid, {}, 5});
  const std::vector<Parameter<double>*> params = net.parameters();
  ASSERT_EQ(params.size(), 4u);
  EXPECT_EQ(params[0]->label(), "fc1.W");
  EXPECT_EQ(params[1]->label(), "fc1.b");
  EXPECT_EQ(params[2]->label(), "fc2.W");
  EXPECT_EQ(params[3]->label(), "fc2.b");
  EXPECT_EQ(params[0]->shape(), (Shape{4, 3}));
  EXPECT_EQ(params[3]->shape(), (Shape{2}));
  EXPECT_EQ(net.layer_count(), 2u);
  EXPECT_EQ(net.layer(1).name(), "fc2");
  params[1]->value() = Tensor<double>{0.1, -0.2, 0.3, 0.0};  // non-zero biases

  const Tensor<double> x{{0.5, -1.0, 2.0}, {0.0, 0.25, -0.5}};
  Tape<double> tape;
  const Var<double> y = net(tape.constant(x));
  const Tensor<double> h = xt::tanh(affine(x, params[0]->value(), params[1]->value()));
  const Tensor<double> a = affine(h, params[2]->value(), params[3]->value());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(y.value().data()[i], 1.0 / (1.0 + std::exp(-a.data()[i])), 1e-15);

  // The tape shows which layer each watched parameter is.
  std::vector<std::string> labels;
  for (NodeId id = 0; id < tape.size(); ++id)
    labels.push_back(tape.node(id).label);
  for (const char* label : {"fc1.W", "fc1.b", "fc2.W", "fc2.b"})
    EXPECT_NE(std::find(labels.begin(), labels.end(), label), labels.end()) << label;

  // Gradients reach every parameter.
  tape.backward(sum(y));
  for (Parameter<double>* p : params)
    EXPECT_FALSE(p->grad_is_zero()) << p->label();
}

TEST(Sequential, SeedDecidesTheWeightsAndInitFollowsTheActivation) {
  nn::MlpOptions options;
  options.seed = 3;
  nn::Sequential<float> a = nn::mlp<float>({5, 8, 3}, options);
  nn::Sequential<float> b = nn::mlp<float>({5, 8, 3}, options);
  options.seed = 4;
  nn::Sequential<float> c = nn::mlp<float>({5, 8, 3}, options);
  EXPECT_EQ(a.parameters()[0]->value(), b.parameters()[0]->value());
  EXPECT_NE(a.parameters()[0]->value(), c.parameters()[0]->value());
  EXPECT_EQ(a.parameters()[1]->value(), xt::zeros<float>({8}));
  // ReLU: He uniform, |w| ≤ √(6 / fan_in).
  const float limit = std::sqrt(6.0f / 5.0f);
  for (const float w : a.parameters()[0]->value())
    EXPECT_LE(std::abs(w), limit);

  // Built by hand with the same draws, the same network.
  nn::Rng rng(3);
  nn::Sequential<float> manual;
  manual.linear(5, 8, nn::Init::he_uniform, rng)
      .activation(nn::Activation::relu)
      .linear(8, 3, nn::Init::he_uniform, rng, "head");
  EXPECT_EQ(manual.parameters()[2]->value(), a.parameters()[2]->value());
  EXPECT_EQ(manual.parameters()[2]->label(), "head.W");

  // Moving keeps the parameter pointers valid.
  Parameter<float>* first = a.parameters()[0];
  nn::Sequential<float> moved = std::move(a);
  EXPECT_EQ(moved.parameters()[0], first);
}

TEST(Sequential, Errors) {
  nn::Rng rng(1);
  nn::Sequential<double> net;
  net.linear(3, 4, nn::Init::xavier_uniform, rng);
  EXPECT_THROW(net.linear(5, 2, nn::Init::xavier_uniform, rng), ShapeError);
  EXPECT_THROW((void)net.layer(1), ValueError);
  EXPECT_THROW((void)nn::mlp<double>({3}), ValueError);
  EXPECT_THROW((void)net(Var<double>()), StaleVarError);
  Tape<double> tape;
  // Input of the wrong width: the linear op's own ShapeError.
  EXPECT_THROW((void)net(tape.constant(Tensor<double>{{1.0, 2.0}})), ShapeError);
}

TEST(Activation, EachAppliesItsOp) {
  Tape<double> tape;
  const Var<double> x = tape.constant(Tensor<double>{-1.0, 2.0});
  EXPECT_EQ(nn::activate(nn::Activation::relu, x).value(), (Tensor<double>{0.0, 2.0}));
  EXPECT_EQ(nn::activate(nn::Activation::identity, x).id(), x.id());
  EXPECT_DOUBLE_EQ(nn::activate(nn::Activation::tanh, x).value()(1), std::tanh(2.0));
  EXPECT_DOUBLE_EQ(nn::activate(nn::Activation::sigmoid, x).value()(0),
                   1.0 / (1.0 + std::exp(1.0)));
}

}  // namespace
}  // namespace tapegrad
