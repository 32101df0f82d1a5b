#pragma once
// Gives a parameter a chosen gradient through a real backward, for the
// optimiser and clipping tests: L = Σ g ⊙ θ has ∇θ L = g.

#include "tapegrad/tapegrad.hpp"

namespace tapegrad::testing {

template <class T>
void set_gradient(Parameter<T>& p, Tensor<T> g) {
  Tape<T> tape;
  tape.backward(sum(tape.constant(std::move(g)) * tape.watch(p)));
}

}  // namespace tapegrad::testing
