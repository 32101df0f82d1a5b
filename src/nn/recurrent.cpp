#include <cmath>
#include <vector>

#include <xtensor/xbuilder.hpp>

#include "layer_input.hpp"
#include "tapegrad/nn/recurrent.hpp"
#include "tapegrad/ops/indexing.hpp"
#include "tapegrad/ops/linalg.hpp"

namespace tapegrad::nn {
namespace {

/// U(−1/√H, 1/√H), PyTorch's initialisation of every recurrent parameter.
template <class T>
Tensor<T> uniform_init(const Shape& shape, std::size_t hidden, Rng& rng) {
  const double bound = 1 / std::sqrt(static_cast<double>(hidden));
  Tensor<T> t = Tensor<T>::from_shape(shape);
  for (T& value : t)
    value = static_cast<T>(rng.uniform(-bound, bound));
  return t;
}

}  // namespace

template <class T>
RecurrentCell<T>::RecurrentCell(const char* kind, std::size_t gates, bool has_cell_state,
                                std::size_t input_size, std::size_t hidden_size, Rng& rng)
    : kind_(kind),
      has_cell_state_(has_cell_state),
      weight_ih_(Tensor<T>()),
      weight_hh_(Tensor<T>()),
      bias_ih_(Tensor<T>()),
      bias_hh_(Tensor<T>()) {
  if (input_size == 0 || hidden_size == 0) {
    throw ValueError("a recurrent cell needs input and hidden sizes ≥ 1, got " +
                         std::to_string(input_size) + " and " + std::to_string(hidden_size),
                     {kind, std::nullopt, {}});
  }
  const std::size_t rows = gates * hidden_size;
  weight_ih_.value() = uniform_init<T>({rows, input_size}, hidden_size, rng);
  weight_hh_.value() = uniform_init<T>({rows, hidden_size}, hidden_size, rng);
  bias_ih_.value() = uniform_init<T>({rows}, hidden_size, rng);
  bias_hh_.value() = uniform_init<T>({rows}, hidden_size, rng);
  this->register_parameter("weight_ih", weight_ih_);
  this->register_parameter("weight_hh", weight_hh_);
  this->register_parameter("bias_ih", bias_ih_);
  this->register_parameter("bias_hh", bias_hh_);
}

template <class T>
RecurrentState<T> RecurrentCell<T>::zero_state(Tape<T>& tape, std::size_t batch) const {
  const auto zeros = [&] { return Tensor<T>(xt::zeros<T>({batch, hidden_size()})); };
  RecurrentState<T> state{tape.constant(zeros()), {}};
  if (has_cell_state_)
    state.c = tape.constant(zeros());
  return state;
}

template <class T>
RecurrentState<T> RecurrentCell<T>::complete(Tape<T>& tape, std::size_t batch,
                                             const RecurrentState<T>& state) {
  if (!state.h.valid())
    return zero_state(tape, batch);
  const Shape expected = {batch, hidden_size()};
  const auto check = [&](Var<T> part, const char* which) {
    if (!part.valid()) {
      throw ValueError(std::string("the state has an h but no ") + which,
                       {kind_, std::nullopt, this->name()});
    }
    if (part.shape() != expected) {
      throw ShapeError(std::string("state ") + which + " of shape " +
                           shape_to_string(part.shape()) + ", expected " +
                           shape_to_string(expected),
                       {kind_, part.id(), this->name()});
    }
  };
  check(state.h, "h");
  if (has_cell_state_)
    check(state.c, "c");
  return state;
}

template <class T>
RecurrentState<T> RecurrentCell<T>::step(Var<T> x, const RecurrentState<T>& state) {
  detail::check_layer_input(kind_, *this, x, 2, 2, input_size());
  Tape<T>& tape = *x.tape();
  const RecurrentState<T> start = complete(tape, x.shape()[0], state);
  return advance(linear(x, tape.watch(weight_ih_), tape.watch(bias_ih_)), start,
                 tape.watch(weight_hh_), tape.watch(bias_hh_));
}

template <class T>
RecurrentOutput<T> RecurrentCell<T>::run(Var<T> x, const RecurrentState<T>& state) {
  detail::check_layer_input(kind_, *this, x, 3, 3, input_size());
  const std::size_t steps = x.shape()[1];
  if (steps == 0) {
    throw ValueError("input of shape " + shape_to_string(x.shape()) + " has no time steps",
                     {kind_, x.id(), this->name()});
  }
  Tape<T>& tape = *x.tape();
  RecurrentState<T> current = complete(tape, x.shape()[0], state);
  // One GEMM for every step's input projection; only h · W_hhᵀ is sequential.
  const Var<T> projections = linear(x, tape.watch(weight_ih_), tape.watch(bias_ih_));
  const Var<T> w_hh = tape.watch(weight_hh_);
  const Var<T> b_hh = tape.watch(bias_hh_);
  std::vector<Var<T>> hs;
  hs.reserve(steps);
  for (std::size_t t = 0; t < steps; ++t) {
    current = advance(index(projections, 1, static_cast<std::int64_t>(t)), current, w_hh, b_hh);
    hs.push_back(current.h);
  }
  return {stack(hs, 1), current};
}

template class RecurrentCell<float>;
template class RecurrentCell<double>;

}  // namespace tapegrad::nn
