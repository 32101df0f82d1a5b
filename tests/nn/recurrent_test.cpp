#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "nn/layer_gradcheck.hpp"
#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

TEST(Recurrent, PyTorchNamesShapesAndInitialisation) {
  nn::Rng rng(1);
  nn::Sequential<double> net;
  net.add(std::make_unique<nn::LSTM<double>>(3, 5, rng), "lstm");
  std::vector<std::string> names;
  for (Parameter<double>* p : net.parameters())
    names.push_back(p->label());
  EXPECT_EQ(names, (std::vector<std::string>{"lstm.weight_ih", "lstm.weight_hh", "lstm.bias_ih",
                                             "lstm.bias_hh"}));
  auto& lstm = dynamic_cast<nn::LSTM<double>&>(net.module(0));
  EXPECT_EQ(lstm.weight_ih().shape(), (Shape{20, 3}));
  EXPECT_EQ(lstm.weight_hh().shape(), (Shape{20, 5}));
  EXPECT_EQ(lstm.bias_ih().shape(), (Shape{20}));
  nn::GRUCell<double> gru(3, 5, rng);
  nn::RNNCell<double> rnn(3, 5, rng);
  EXPECT_EQ(gru.weight_hh().shape(), (Shape{15, 5}));
  EXPECT_EQ(rnn.bias_hh().shape(), (Shape{5}));
  EXPECT_EQ(lstm.input_size(), 3u);
  EXPECT_EQ(lstm.hidden_size(), 5u);
  // U(−1/√H, 1/√H), spread over the whole range.
  const double bound = 1 / std::sqrt(5.0);
  double largest = 0;
  for (Parameter<double>* p : lstm.parameters()) {
    for (double w : p->value())
      largest = std::max(largest, std::abs(w));
  }
  EXPECT_LE(largest, bound);
  EXPECT_GT(largest, 0.9 * bound);
}

TEST(Recurrent, CellForwardIsOneStepFromZeroAndTheLayerChainsSteps) {
  nn::Rng rng(2);
  nn::LSTM<double> lstm(3, 4, rng);
  const Tensor<double> x = random_tensor<double>({2, 3, 3}, 5);
  Tape<double> tape;
  Var<double> xs = tape.constant(x);
  Var<double> all = lstm(xs);
  ASSERT_EQ(all.shape(), (Shape{2, 3, 4}));
  // Step by step through the cell's step(), from the zero state.
  nn::RecurrentState<double> state;
  for (std::int64_t t = 0; t < 3; ++t) {
    state = lstm.step(index(xs, 1, t), state);
    for (std::size_t b = 0; b < 2; ++b) {
      for (std::size_t j = 0; j < 4; ++j)
        EXPECT_DOUBLE_EQ(state.h.value()(b, j), all.value()(b, t, j));
    }
  }
  // A cell with the same weights (same seed): forward is the first step from zero.
  nn::Rng same(2);
  nn::LSTMCell<double> cell(3, 4, same);
  const Tensor<double> first = cell(index(xs, 1, 0)).value();
  const Tensor<double> expected = index(all, 1, 0).value();
  EXPECT_EQ(first, expected);
}

void expect_cell_gradients(nn::RecurrentCell<double>& cell, bool has_cell_state) {
  const Tensor<double> h = random_tensor<double>({2, 3}, 11);
  const Tensor<double> c = random_tensor<double>({2, 3}, 12);
  testing::expect_layer_gradients(
      [&](Tape<double>& tape, Var<double> x) {
        nn::RecurrentState<double> state{tape.constant(h),
                                         has_cell_state ? tape.constant(c) : Var<double>()};
        nn::RecurrentState<double> next = cell.step(x, state);
        return has_cell_state ? next.h + next.c * 0.5 : next.h;
      },
      random_tensor<double>({2, 4}, 13), cell.parameters());
}

TEST(Recurrent, CellsGradcheck) {
  nn::Rng rng(3);
  nn::RNNCell<double> rnn(4, 3, rng);
  nn::LSTMCell<double> lstm(4, 3, rng);
  nn::GRUCell<double> gru(4, 3, rng);
  expect_cell_gradients(rnn, false);
  expect_cell_gradients(lstm, true);
  expect_cell_gradients(gru, false);
}

TEST(Recurrent, LayersGradcheckOverTimeSteps) {
  nn::Rng rng(4);
  nn::RNN<double> rnn(3, 4, rng);
  nn::LSTM<double> lstm(3, 4, rng);
  nn::GRU<double> gru(3, 4, rng);
  for (nn::RecurrentCell<double>* layer :
       std::vector<nn::RecurrentCell<double>*>{&rnn, &lstm, &gru}) {
    testing::expect_layer_gradients([&](Tape<double>&, Var<double> x) { return (*layer)(x); },
                                    random_tensor<double>({2, 4, 3}, 21), layer->parameters());
  }
}

TEST(Recurrent, BadInputsAndStatesNameTheLayer) {
  nn::Rng rng(5);
  nn::LSTM<double> lstm(3, 4, rng);
  lstm.set_name("encoder");
  Tape<double> tape;
  try {
    (void)lstm(tape.constant(random_tensor<double>({2, 5, 2}, 1)));
    FAIL() << "2 features were accepted by an LSTM of 3";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.op(), "lstm");
    EXPECT_EQ(e.label(), "encoder");
    EXPECT_EQ(std::string(e.what()),
              "tapegrad: lstm: input of shape (2, 5, 2), expected rank 3 with last extent 3 "
              "[node 0 'encoder']");
  }
  EXPECT_THROW((void)lstm.step(tape.constant(random_tensor<double>({2, 5, 3}, 1)), {}), ShapeError);
  Var<double> x = tape.constant(random_tensor<double>({2, 5, 3}, 1));
  try {
    (void)lstm.run(x, {tape.constant(random_tensor<double>({2, 3}, 2)),
                       tape.constant(random_tensor<double>({2, 4}, 3))});
    FAIL() << "an h of 3 was accepted by an LSTM of 4";
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.detail(), "state h of shape (2, 3), expected (2, 4)");
  }
  EXPECT_THROW((void)lstm.run(x, {tape.constant(random_tensor<double>({2, 4}, 2)), {}}),
               ValueError);
  EXPECT_THROW((void)lstm(tape.constant(Tensor<double>::from_shape({2, 0, 3}))), ValueError);
  EXPECT_THROW(nn::GRU<double>(0, 4, rng), ValueError);
  EXPECT_THROW(nn::RNNCell<double>(3, 0, rng), ValueError);
}

}  // namespace
}  // namespace tapegrad
