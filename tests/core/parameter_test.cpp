// Parameters watched on tapes: read in place, gradients accumulated across
// backwards and tapes until zero_grad().

#include <gtest/gtest.h>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

void expect_tensor_eq(const Tensor<double>& got, const Tensor<double>& want) {
  ASSERT_EQ(got.shape(), want.shape());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_DOUBLE_EQ(got.data()[i], want.data()[i]) << "element " << i;
  }
}

TEST(Parameter, ConstructionZeroesTheGradient) {
  Parameter<double> p(Tensor<double>{{1.0, 2.0}, {3.0, 4.0}}, "W");
  EXPECT_EQ(p.shape(), (Shape{2, 2}));
  EXPECT_EQ(p.label(), "W");
  expect_tensor_eq(p.grad(), Tensor<double>{{0.0, 0.0}, {0.0, 0.0}});
  p.set_label("V");
  EXPECT_EQ(p.label(), "V");
}

TEST(Parameter, WatchReadsTheValueInPlace) {
  Parameter<double> p(Tensor<double>{1.0, 2.0, 3.0}, "w");
  Tape<double> tape;
  Var<double> w = tape.watch(p);

  EXPECT_EQ(tape.node(w.id()).value().data(), p.value().data());
  EXPECT_EQ(w.value().data(), p.value().data());
  EXPECT_TRUE(tape.node(w.id()).requires_grad);
  EXPECT_TRUE(tape.node(w.id()).is_leaf());
  EXPECT_EQ(tape.node(w.id()).parameter, &p);

  // No copy: a change to the parameter is what the tape sees.
  p.value()(1) = 20.0;
  EXPECT_DOUBLE_EQ(w.value()(1), 20.0);
  Var<double> y = sum(w);
  EXPECT_DOUBLE_EQ(y.item(), 24.0);
}

TEST(Parameter, LabelBecomesTheNodeLabel) {
  Parameter<double> p(Tensor<double>{1.0}, "layer1.weight");
  Tape<double> tape;
  Var<double> w = tape.watch(p);
  EXPECT_EQ(tape.node(w.id()).label, "layer1.weight");

  Parameter<double> unnamed(Tensor<double>{1.0});
  Var<double> u = tape.watch(unnamed);
  EXPECT_EQ(tape.node(u.id()).label, "");
}

TEST(Parameter, GradientAccumulatesAcrossTapesUntilZeroGrad) {
  Parameter<double> p(Tensor<double>{1.0, -2.0, 0.5}, "w");

  Tape<double> first;
  {
    Var<double> w = first.watch(p);
    Var<double> x = first.constant(Tensor<double>{3.0, 4.0, 5.0});
    first.backward(sum(w * x));  // ∂/∂w = x
  }
  expect_tensor_eq(p.grad(), Tensor<double>{3.0, 4.0, 5.0});

  Tape<double> second;
  {
    Var<double> w = second.watch(p);
    second.backward(sum(w * w));  // ∂/∂w = 2w
    // The tape's gradient of a watched parameter is the parameter's gradient.
    EXPECT_EQ(w.grad().data(), p.grad().data());
  }
  expect_tensor_eq(p.grad(), Tensor<double>{3.0 + 2.0, 4.0 - 4.0, 5.0 + 1.0});

  p.zero_grad();
  expect_tensor_eq(p.grad(), Tensor<double>{0.0, 0.0, 0.0});

  Tape<double> third;
  Var<double> w = third.watch(p);
  third.backward(sum(w * 2.0));
  expect_tensor_eq(p.grad(), Tensor<double>{2.0, 2.0, 2.0});
}

TEST(Parameter, GradientAccumulatesAcrossBackwardsOnOneTape) {
  Parameter<double> p(Tensor<double>{1.0, 2.0});
  Tape<double> tape;
  Var<double> w = tape.watch(p);
  Var<double> y = sum(w * w * w);  // fan-out: 3w²
  tape.backward(y);
  expect_tensor_eq(p.grad(), Tensor<double>{3.0, 12.0});
  tape.backward(y);
  expect_tensor_eq(p.grad(), Tensor<double>{6.0, 24.0});
}

TEST(Parameter, WatchedTwiceOnOneTapeSumsBothUses) {
  Parameter<double> p(Tensor<double>{2.0});
  Tape<double> tape;
  Var<double> a = tape.watch(p);
  Var<double> b = tape.watch(p);
  tape.backward(sum(a * b));  // p²: 2p
  expect_tensor_eq(p.grad(), Tensor<double>{4.0});
}

TEST(Parameter, WatchAfterTheValueChangedShapeResizesTheGradient) {
  Parameter<double> p(Tensor<double>{1.0, 2.0});
  p.grad()(0) = 7.0;
  p.value() = Tensor<double>{{1.0, 2.0, 3.0}};
  Tape<double> tape;
  Var<double> w = tape.watch(p);
  expect_tensor_eq(p.grad(), Tensor<double>{{0.0, 0.0, 0.0}});
  tape.backward(sum(w * 3.0));
  expect_tensor_eq(p.grad(), Tensor<double>{{3.0, 3.0, 3.0}});
}

TEST(Parameter, FloatParameterThroughALinearLayer) {
  Parameter<float> weight(testing::random_tensor<float>({3, 2}, 5), "W");
  Parameter<float> bias(Tensor<float>{0.5f, -0.5f, 1.0f}, "b");
  Tape<float> tape;
  Var<float> x = tape.constant(Tensor<float>{{1.0f, 2.0f}, {3.0f, 4.0f}});
  Var<float> y = sum(linear(x, tape.watch(weight), tape.watch(bias)));
  tape.backward(y);
  // ∂Σ(x Wᵀ + b)/∂W[o][i] = Σ_batch x[.][i]; ∂/∂b = batch size.
  for (std::size_t o = 0; o < 3; ++o) {
    EXPECT_FLOAT_EQ(weight.grad()(o, 0), 4.0f);
    EXPECT_FLOAT_EQ(weight.grad()(o, 1), 6.0f);
    EXPECT_FLOAT_EQ(bias.grad()(o), 2.0f);
  }
}

}  // namespace
}  // namespace tapegrad
