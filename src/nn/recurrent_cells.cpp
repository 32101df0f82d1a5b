// The three cells' step formulas (stated in recurrent.hpp).
#include <vector>

#include "tapegrad/nn/recurrent.hpp"
#include "tapegrad/ops/activations.hpp"
#include "tapegrad/ops/arithmetic.hpp"
#include "tapegrad/ops/indexing.hpp"
#include "tapegrad/ops/linalg.hpp"

namespace tapegrad::nn {

template <class T>
RecurrentState<T> RnnStep::advance(Var<T> x_projection, const RecurrentState<T>& state, Var<T> w_hh,
                                   Var<T> b_hh) {
  return {tanh(x_projection + linear(state.h, w_hh, b_hh)), {}};
}

template <class T>
RecurrentState<T> LstmStep::advance(Var<T> x_projection, const RecurrentState<T>& state,
                                    Var<T> w_hh, Var<T> b_hh) {
  const std::vector<Var<T>> ifgo = chunk(x_projection + linear(state.h, w_hh, b_hh), 4, -1);
  Var<T> c = sigmoid(ifgo[1]) * state.c + sigmoid(ifgo[0]) * tanh(ifgo[2]);
  return {sigmoid(ifgo[3]) * tanh(c), c};
}

template <class T>
RecurrentState<T> GruStep::advance(Var<T> x_projection, const RecurrentState<T>& state, Var<T> w_hh,
                                   Var<T> b_hh) {
  const std::vector<Var<T>> x_rzn = chunk(x_projection, 3, -1);
  const std::vector<Var<T>> h_rzn = chunk(linear(state.h, w_hh, b_hh), 3, -1);
  Var<T> r = sigmoid(x_rzn[0] + h_rzn[0]);
  Var<T> z = sigmoid(x_rzn[1] + h_rzn[1]);
  Var<T> n = tanh(x_rzn[2] + r * h_rzn[2]);
  return {(T(1) - z) * n + z * state.h, {}};
}

#define TAPEGRAD_INSTANTIATE_CELL(T, Step)                                                      \
  template TAPEGRAD_EXPORT RecurrentState<T> Step::advance<T>(Var<T>, const RecurrentState<T>&, \
                                                              Var<T>, Var<T>);                  \
  template class Cell<T, Step>;                                                                 \
  template class SequenceLayer<T, Step>;
TAPEGRAD_INSTANTIATE_CELL(float, RnnStep)
TAPEGRAD_INSTANTIATE_CELL(double, RnnStep)
TAPEGRAD_INSTANTIATE_CELL(float, LstmStep)
TAPEGRAD_INSTANTIATE_CELL(double, LstmStep)
TAPEGRAD_INSTANTIATE_CELL(float, GruStep)
TAPEGRAD_INSTANTIATE_CELL(double, GruStep)
#undef TAPEGRAD_INSTANTIATE_CELL

}  // namespace tapegrad::nn
