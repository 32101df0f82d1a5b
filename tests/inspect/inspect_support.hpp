#pragma once
// Tapes shared by the inspection tests: the lecture's network (SEED.md) and
// a long tanh MLP (102 nodes), so summarising and round trips see real tapes.

#include <cstddef>
#include <string>
#include <vector>

#include <tapegrad/tapegrad.hpp>

#include "lecture/network.hpp"

namespace inspect_test {

/// x, then `layers` × (W, b, linear, tanh), then sum: 4·layers + 2 nodes.
template <class T>
tapegrad::Var<T> record_mlp(tapegrad::Tape<T>& tape, std::size_t layers) {
  using tapegrad::Tensor;
  tapegrad::Var<T> h =
      tape.constant(Tensor<T>{{T(0.5), T(-1), T(2)}, {T(0.25), T(0), T(-0.5)}}, "x");
  for (std::size_t k = 0; k < layers; ++k) {
    const T s = T(0.1) * T(k % 5 + 1);
    const tapegrad::Var<T> w =
        tape.variable(Tensor<T>{{s, -s, T(0.2)}, {T(0.3), s, -T(0.1)}, {-s, T(0.05), s}},
                      "W" + std::to_string(k));
    const tapegrad::Var<T> b =
        tape.variable(Tensor<T>{T(0.01), -T(0.02), s}, "b" + std::to_string(k));
    h = tanh(linear(h, w, b)).label("h" + std::to_string(k));
  }
  return sum(h).label("L");
}

/// Splits text into lines (without their newlines).
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return out;
}

}  // namespace inspect_test
