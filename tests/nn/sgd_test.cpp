#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(Sgd, StepSubtractsTheScaledGradientThenClearsIt) {
  Parameter<double> w(Tensor<double>{1.0, -2.0, 3.0}, "w");
  Parameter<double> unused(Tensor<double>{5.0}, "unused");
  nn::Sgd<double> sgd({&w, &unused}, 0.5);
  Tape<double> tape;
  tape.backward(sum(square(tape.watch(w))));  // ∇w = 2w = [2, -4, 6]
  sgd.step();
  EXPECT_DOUBLE_EQ(w.value()(0), 1.0 - 0.5 * 2.0);
  EXPECT_DOUBLE_EQ(w.value()(1), -2.0 + 0.5 * 4.0);
  EXPECT_DOUBLE_EQ(w.value()(2), 3.0 - 0.5 * 6.0);
  EXPECT_DOUBLE_EQ(unused.value()(0), 5.0);  // no gradient reached it
  EXPECT_TRUE(w.grad_is_zero());
  EXPECT_DOUBLE_EQ(w.grad()(1), 0.0);
}

TEST(Sgd, LongVectorsGiveTheSameUpdateOnTwoThreads) {
  // 2^16 elements: with two threads the update goes through OpenBLAS's axpy.
  set_num_threads(2);
  Tensor<float> start = Tensor<float>::from_shape({65536});
  for (std::size_t i = 0; i < start.size(); ++i)
    start(i) = static_cast<float>(i % 7) - 3.0f;
  Parameter<float> w(start);
  nn::Sgd<float> sgd({&w}, 0.25f);
  Tape<float> tape;
  tape.backward(sum(tape.watch(w) * 4.0f));  // ∇w = 4
  sgd.step();
  set_num_threads(1);
  for (std::size_t i = 0; i < start.size(); i += 997)
    EXPECT_FLOAT_EQ(w.value()(i), start(i) - 1.0f);
}

TEST(Sgd, RejectsABadLearningRate) {
  Parameter<double> w(Tensor<double>{1.0});
  EXPECT_THROW(nn::Sgd<double>({&w}, 0.0), ValueError);
  EXPECT_THROW(nn::Sgd<double>({&w}, -1.0), ValueError);
  nn::Sgd<double> sgd({&w}, 0.1);
  try {
    sgd.set_learning_rate(std::numeric_limits<double>::infinity());
    FAIL() << "an infinite learning rate was accepted";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.op(), "sgd");
    // set_learning_rate takes 0 (a warmup's first step), so the bound is ≥ 0.
    EXPECT_NE(std::string(e.what()).find("a finite number ≥ 0, got inf"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(nn::Sgd<double>({nullptr}, 0.1), ValueError);
}

}  // namespace
}  // namespace tapegrad
