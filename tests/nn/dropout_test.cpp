#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <xtensor/xbuilder.hpp>

#include "nn/layer_gradcheck.hpp"
#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(Dropout, ZeroesAboutPAndScalesTheRestByOneOverOneMinusP) {
  nn::Dropout<double> drop(0.25, 3);
  const Tensor<double> x = testing::random_tensor<double>({200, 500}, 1, 0.5, 1.5);
  Tape<double> tape;
  Var<double> y = drop(tape.constant(x));
  std::size_t zeros = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (y.value().flat(i) == 0) {
      ++zeros;
    } else {
      EXPECT_DOUBLE_EQ(y.value().flat(i), x.flat(i) / 0.75);
    }
  }
  // 100,000 draws: the standard error of the fraction is 0.0014.
  EXPECT_NEAR(static_cast<double>(zeros) / x.size(), 0.25, 0.005);
}

TEST(Dropout, TheSeedDecidesTheMasksAndEachCallDrawsANewOne) {
  const Tensor<double> x = xt::ones<double>({4, 64});
  nn::Dropout<double> a(0.5, 11), b(0.5, 11), c(0.5, 12);
  Tape<double> tape;
  const Tensor<double> first = a(tape.constant(x)).value();
  EXPECT_EQ(first, b(tape.constant(x)).value());
  EXPECT_NE(first, c(tape.constant(x)).value());
  EXPECT_NE(first, a(tape.constant(x)).value());
}

TEST(Dropout, EvalModeAndPZeroAreTheIdentityAndPOneZeroesAll) {
  nn::Dropout<double> drop(0.9, 1);
  drop.eval();
  Tape<double> tape;
  Var<double> x = tape.variable(testing::random_tensor<double>({3, 4}, 2));
  EXPECT_EQ(drop(x).id(), x.id());  // not even a node
  drop.train();
  EXPECT_NE(drop(x).id(), x.id());
  nn::Dropout<double> none(0.0), all(1.0);
  EXPECT_EQ(none(x).id(), x.id());
  EXPECT_EQ(all(x).value(), Tensor<double>(xt::zeros<double>({3, 4})));
}

TEST(Dropout, GradientIsTheMask) {
  const auto fresh_dropout = [](Tape<double>&, Var<double> x) {
    nn::Dropout<double> drop(0.4, 21);  // the same mask at every evaluation
    return drop(x);
  };
  testing::expect_layer_gradients(fresh_dropout, testing::random_tensor<double>({5, 6}, 3), {});
  Tape<double> tape;
  Var<double> x = tape.variable(testing::random_tensor<double>({5, 6}, 3));
  Var<double> y = fresh_dropout(tape, x);
  tape.backward(sum(y));
  for (std::size_t i = 0; i < x.size(); ++i)
    EXPECT_DOUBLE_EQ(x.grad().flat(i), y.value().flat(i) == 0 ? 0.0 : 1 / 0.6);
}

TEST(Dropout, AProbabilityOutsideZeroOneIsAValueError) {
  try {
    nn::Dropout<double> drop(1.5);
    FAIL() << "p = 1.5 was accepted";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.op(), "dropout");
    EXPECT_NE(std::string(e.what()).find("[0, 1], got 1.5"), std::string::npos) << e.what();
  }
  EXPECT_THROW(nn::Dropout<double>(-0.1), ValueError);
  EXPECT_THROW(nn::Dropout<double>(NAN), ValueError);
}

}  // namespace
}  // namespace tapegrad
