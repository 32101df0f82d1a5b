// The three cells' step formulas (stated in recurrent.hpp).
#include <vector>

#include "tapegrad/nn/recurrent.hpp"
#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/indexing.hpp"
#include "tapegrad/ops/linalg.hpp"

namespace tapegrad::nn {

template <class T>
RNNCell<T>::RNNCell(std::size_t input_size, std::size_t hidden_size, Rng& rng)
    : RecurrentCell<T>("rnn", 1, false, input_size, hidden_size, rng) {}

template <class T>
RecurrentState<T> RNNCell<T>::advance(Var<T> x_projection, const RecurrentState<T>& state,
                                      Var<T> w_hh, Var<T> b_hh) {
  return {tanh(x_projection + linear(state.h, w_hh, b_hh)), {}};
}

template <class T>
LSTMCell<T>::LSTMCell(std::size_t input_size, std::size_t hidden_size, Rng& rng)
    : RecurrentCell<T>("lstm", 4, true, input_size, hidden_size, rng) {}

template <class T>
RecurrentState<T> LSTMCell<T>::advance(Var<T> x_projection, const RecurrentState<T>& state,
                                       Var<T> w_hh, Var<T> b_hh) {
  const std::vector<Var<T>> ifgo = chunk(x_projection + linear(state.h, w_hh, b_hh), 4, -1);
  Var<T> c = sigmoid(ifgo[1]) * state.c + sigmoid(ifgo[0]) * tanh(ifgo[2]);
  return {sigmoid(ifgo[3]) * tanh(c), c};
}

template <class T>
GRUCell<T>::GRUCell(std::size_t input_size, std::size_t hidden_size, Rng& rng)
    : RecurrentCell<T>("gru", 3, false, input_size, hidden_size, rng) {}

template <class T>
RecurrentState<T> GRUCell<T>::advance(Var<T> x_projection, const RecurrentState<T>& state,
                                      Var<T> w_hh, Var<T> b_hh) {
  const std::vector<Var<T>> x_rzn = chunk(x_projection, 3, -1);
  const std::vector<Var<T>> h_rzn = chunk(linear(state.h, w_hh, b_hh), 3, -1);
  Var<T> r = sigmoid(x_rzn[0] + h_rzn[0]);
  Var<T> z = sigmoid(x_rzn[1] + h_rzn[1]);
  Var<T> n = tanh(x_rzn[2] + r * h_rzn[2]);
  return {(T(1) - z) * n + z * state.h, {}};
}

template class RNNCell<float>;
template class RNNCell<double>;
template class LSTMCell<float>;
template class LSTMCell<double>;
template class GRUCell<float>;
template class GRUCell<double>;
template class SequenceLayer<float, RNNCell>;
template class SequenceLayer<double, RNNCell>;
template class SequenceLayer<float, LSTMCell>;
template class SequenceLayer<double, LSTMCell>;
template class SequenceLayer<float, GRUCell>;
template class SequenceLayer<double, GRUCell>;

}  // namespace tapegrad::nn
