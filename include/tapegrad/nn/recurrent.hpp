#pragma once
// Recurrent cells and multi-step layers in PyTorch's layout, so weights can be
// exchanged with torch.nn.RNN/LSTM/GRU (and their *Cell) through .npy files
// (load_checkpoint reads "<label>.npy" per parameter):
//
//   weight_ih (G·H, in), weight_hh (G·H, H), bias_ih (G·H), bias_hh (G·H),
//   all drawn from U(−1/√H, 1/√H) as PyTorch does, with G gate blocks:
//
//   RNN  (G = 1)  h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)
//   LSTM (G = 4)  i, f, g, o = σ, σ, tanh, σ of the four blocks of the same sum;
//                 c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
//   GRU  (G = 3)  r, z = σ of the first two blocks; n = tanh(x_n + r ⊙ h_n)
//                 where x_n, h_n are the third blocks of x W_ihᵀ + b_ih and
//                 h W_hhᵀ + b_hh;  h' = (1 − z) ⊙ n + z ⊙ h
//
// A cell's forward(x) is one step from the zero state (returns h'), as a
// PyTorch cell without hx; step() takes and gives the state. The layers RNN,
// LSTM and GRU run their cell over the time axis of x (batch, time, in), as
// PyTorch with batch_first=True and one layer: forward(x) gives every h
// (batch, time, H); run(x, state) also the last state. A layer's input
// projection x W_ihᵀ + b_ih is one GEMM over all batch·time rows.

#include <cstddef>

#include "tapegrad/core/parameter.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/core/var.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/nn/module.hpp"
#include "tapegrad/nn/random.hpp"

namespace tapegrad::nn {

/// h (batch, H); c (batch, H) for an LSTM, empty otherwise.
template <class T>
struct RecurrentState {
  Var<T> h;
  Var<T> c;
};

template <class T>
struct RecurrentOutput {
  Var<T> output;            ///< every step's h, (batch, time, H)
  RecurrentState<T> state;  ///< after the last step
};

template <class T>
class TAPEGRAD_EXPORT RecurrentCell : public Module<T> {
 public:
  /// One step: x (batch, in) and the state (zero when its h is empty) → the next state.
  RecurrentState<T> step(Var<T> x, const RecurrentState<T>& state);
  /// One step from the zero state: h' (batch, H).
  Var<T> forward(Var<T> x) override { return step(x, {}).h; }
  /// Every step over x (batch, time, in), from `state` (zero when its h is empty).
  RecurrentOutput<T> run(Var<T> x, const RecurrentState<T>& state = {});

  /// Zeros (batch, H) on `tape` for h, and for c if the cell has one.
  RecurrentState<T> zero_state(Tape<T>& tape, std::size_t batch) const;

  std::size_t input_size() const noexcept { return weight_ih_.shape()[1]; }
  std::size_t hidden_size() const noexcept { return weight_hh_.shape()[1]; }
  Parameter<T>& weight_ih() noexcept { return weight_ih_; }
  Parameter<T>& weight_hh() noexcept { return weight_hh_; }
  Parameter<T>& bias_ih() noexcept { return bias_ih_; }
  Parameter<T>& bias_hh() noexcept { return bias_hh_; }

 protected:
  /// `kind` names the cell in errors ("lstm"); `gates` is G.
  RecurrentCell(const char* kind, std::size_t gates, bool has_cell_state, std::size_t input_size,
                std::size_t hidden_size, Rng& rng);

  /// The step given x's projection x W_ihᵀ + b_ih (batch, G·H), the watched
  /// W_hh and b_hh, and a complete state.
  virtual RecurrentState<T> advance(Var<T> x_projection, const RecurrentState<T>& state,
                                    Var<T> w_hh, Var<T> b_hh) = 0;

 private:
  RecurrentState<T> complete(Tape<T>& tape, std::size_t batch, const RecurrentState<T>& state);

  const char* kind_;
  bool has_cell_state_;
  Parameter<T> weight_ih_;
  Parameter<T> weight_hh_;
  Parameter<T> bias_ih_;
  Parameter<T> bias_hh_;
};

/// The step formulas at the top of the file, one per cell kind: the name used
/// in errors, G, whether there is a cell state c, and the step itself.
struct TAPEGRAD_EXPORT RnnStep {
  static constexpr const char* kName = "rnn";
  static constexpr std::size_t kGates = 1;
  static constexpr bool kHasCellState = false;
  template <class T>
  static RecurrentState<T> advance(Var<T> x_projection, const RecurrentState<T>& state, Var<T> w_hh,
                                   Var<T> b_hh);
};
struct TAPEGRAD_EXPORT LstmStep {
  static constexpr const char* kName = "lstm";
  static constexpr std::size_t kGates = 4;
  static constexpr bool kHasCellState = true;
  template <class T>
  static RecurrentState<T> advance(Var<T> x_projection, const RecurrentState<T>& state, Var<T> w_hh,
                                   Var<T> b_hh);
};
struct TAPEGRAD_EXPORT GruStep {
  static constexpr const char* kName = "gru";
  static constexpr std::size_t kGates = 3;
  static constexpr bool kHasCellState = false;
  template <class T>
  static RecurrentState<T> advance(Var<T> x_projection, const RecurrentState<T>& state, Var<T> w_hh,
                                   Var<T> b_hh);
};

/// A cell whose step is Step::advance (RNNCell, LSTMCell, GRUCell below).
template <class T, class Step>
class TAPEGRAD_EXPORT Cell : public RecurrentCell<T> {
 public:
  Cell(std::size_t input_size, std::size_t hidden_size, Rng& rng)
      : RecurrentCell<T>(Step::kName, Step::kGates, Step::kHasCellState, input_size, hidden_size,
                         rng) {}

 protected:
  RecurrentState<T> advance(Var<T> x_projection, const RecurrentState<T>& state, Var<T> w_hh,
                            Var<T> b_hh) override {
    return Step::advance(x_projection, state, w_hh, b_hh);
  }
};

/// The cell run over the time axis: forward(x (batch, time, in)) → (batch, time, H).
template <class T, class Step>
class TAPEGRAD_EXPORT SequenceLayer : public Cell<T, Step> {
 public:
  using Cell<T, Step>::Cell;
  Var<T> forward(Var<T> x) override { return this->run(x).output; }
};

template <class T>
using RNNCell = Cell<T, RnnStep>;
template <class T>
using LSTMCell = Cell<T, LstmStep>;
template <class T>
using GRUCell = Cell<T, GruStep>;
template <class T>
using RNN = SequenceLayer<T, RnnStep>;
template <class T>
using LSTM = SequenceLayer<T, LstmStep>;
template <class T>
using GRU = SequenceLayer<T, GruStep>;

}  // namespace tapegrad::nn
