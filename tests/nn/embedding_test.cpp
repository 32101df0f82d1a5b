#include <gtest/gtest.h>

#include <string>

#include "nn/layer_gradcheck.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

TEST(Embedding, LooksUpRowsAndAddsTheGradientsOfRepeatedIds) {
  nn::Rng rng(3);
  nn::Embedding<double> table(5, 3, rng);
  EXPECT_EQ(table.weight().label(), "weight");
  EXPECT_EQ(table.weight().shape(), (Shape{5, 3}));
  Tape<double> tape;
  const Tensor<double> ids = {{4.0, 1.0}, {1.0, 0.0}};
  Var<double> e = table(tape.constant(ids));
  ASSERT_EQ(e.shape(), (Shape{2, 2, 3}));
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t j = 0; j < 2; ++j) {
      for (std::size_t d = 0; d < 3; ++d)
        EXPECT_EQ(e.value()(i, j, d),
                  table.weight().value()(static_cast<std::size_t>(ids(i, j)), d));
    }
  }
  table.weight().zero_grad();
  tape.backward(sum(e));
  const Tensor<double>& g = table.weight().grad();
  for (std::size_t d = 0; d < 3; ++d) {
    EXPECT_EQ(g(0, d), 1.0);
    EXPECT_EQ(g(1, d), 2.0);  // id 1 twice
    EXPECT_EQ(g(2, d), 0.0);
    EXPECT_EQ(g(3, d), 0.0);
    EXPECT_EQ(g(4, d), 1.0);
  }
}

TEST(Embedding, WeightsAreStandardNormalFromTheSeed) {
  nn::Rng a(8), b(8);
  nn::Embedding<double> first(200, 50, a), second(200, 50, b);
  EXPECT_EQ(first.weight().value(), second.weight().value());
  double total = 0, squares = 0;
  for (double w : first.weight().value()) {
    total += w;
    squares += w * w;
  }
  const double n = 200 * 50;
  EXPECT_NEAR(total / n, 0.0, 0.03);  // 3 standard errors of the mean
  EXPECT_NEAR(squares / n, 1.0, 0.05);
}

TEST(Embedding, Gradcheck) {
  nn::Rng rng(4);
  nn::Embedding<double> table(4, 3, rng);
  testing::expect_layer_gradients([&](Tape<double>&, Var<double> ids) { return table(ids); },
                                  Tensor<double>{{3.0, 0.0, 3.0}, {2.0, 2.0, 1.0}},
                                  table.parameters(), {.input_is_differentiable = false});
}

TEST(Embedding, BadIdsAndSizesAreValueErrors) {
  nn::Rng rng(5);
  nn::Embedding<double> table(4, 2, rng);
  Tape<double> tape;
  try {
    (void)table(tape.constant(Tensor<double>{1.0, 4.0}));
    FAIL() << "id 4 of a 4-row table was accepted";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.op(), "embedding");
    EXPECT_NE(std::string(e.what()).find("4"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)table(Var<double>()), StaleVarError);
  EXPECT_THROW(nn::Embedding<double>(0, 2, rng), ValueError);
  EXPECT_THROW(nn::Embedding<double>(3, 0, rng), ValueError);
}

}  // namespace
}  // namespace tapegrad
