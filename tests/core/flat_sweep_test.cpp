// The reverse loop of a scalar tape (Sweep::sweep_flat), which keeps the
// gradient bound for the next node down in a register, gives what the
// general loop gives — to the bit — and leaves every node's gradient
// readable. backward(release_saved = true) runs the general loop.

#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

/// Records a random graph of scalar ops in which each op takes inputs at
/// distance 1 (the carried case), further back, or the same one twice; with
/// `with_tensor`, a tensor op in the middle sends gradients to scalars as
/// tensors. Returns every node, the output last.
std::vector<Var<double>> record_graph(Tape<double>& tape, unsigned seed, bool with_tensor) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> value(-1.0, 1.0);
  std::vector<Var<double>> nodes;
  for (int i = 0; i < 4; ++i)
    nodes.push_back(tape.variable(Tensor<double>(value(rng))));
  const auto pick = [&] {
    const std::size_t back = std::uniform_int_distribution<std::size_t>(0, 3)(rng) == 0
                                 ? std::uniform_int_distribution<std::size_t>(0, nodes.size() - 1)(rng)
                                 : std::uniform_int_distribution<std::size_t>(0, 1)(rng);
    return nodes[nodes.size() - 1 - back];
  };
  Var<double> tensor_part;
  for (int i = 0; i < 300; ++i) {
    const Var<double> a = pick();
    const Var<double> b = pick();
    switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
      // Each op keeps the values within [−1.5, 1.5], so no gradient overflows.
      case 0: nodes.push_back((a + b) * 0.5); break;
      case 1: nodes.push_back(tanh(a * b)); break;
      case 2: nodes.push_back(sin(a * a)); break;
      case 3: nodes.push_back(sin(a) * 0.5); break;
      case 4: nodes.push_back(a * 0.75 - b * 0.25); break;
      default: nodes.push_back(tanh(a) * 0.5 + b * 0.5); break;
    }
    if (with_tensor && i == 150) {
      const Var<double> v = tape.constant(Tensor<double>{1.0, -2.0, 0.5});
      tensor_part = sum(v * nodes.back() * nodes[nodes.size() - 3]);
    }
  }
  if (with_tensor)
    nodes.push_back(nodes.back() + tensor_part);
  return nodes;
}

/// Each node's gradient after backward from the last, as plain numbers.
std::vector<double> gradients(unsigned seed, bool with_tensor, bool general_loop) {
  Tape<double> tape;
  const std::vector<Var<double>> nodes = record_graph(tape, seed, with_tensor);
  tape.backward(nodes.back(), {.release_saved = general_loop});
  std::vector<double> grads;
  for (const Var<double>& n : nodes)
    grads.push_back(tape.grad(n)());
  return grads;
}

TEST(FlatSweep, GivesTheGeneralLoopsGradientsToTheBit) {
  for (bool with_tensor : {false, true}) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
      const std::vector<double> fast = gradients(seed, with_tensor, false);
      const std::vector<double> general = gradients(seed, with_tensor, true);
      ASSERT_EQ(fast.size(), general.size());
      std::size_t nonzero = 0;
      for (std::size_t i = 0; i < fast.size(); ++i) {
        EXPECT_EQ(fast[i], general[i]) << "seed " << seed << ", node " << i
                                       << (with_tensor ? ", with a tensor op" : "");
        nonzero += fast[i] != 0;
      }
      EXPECT_GT(nonzero, 20u) << "seed " << seed;  // the output depends on many nodes
    }
  }
}

TEST(FlatSweep, AChainsIntermediateGradientsAreKept) {
  // y1 = x·x, y2 = y1·x, y3 = sin(y2): each feeds the next node down.
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>(0.75));
  const Var<double> y1 = x * x;
  const Var<double> y2 = y1 * x;
  const Var<double> y3 = sin(y2);
  tape.backward(y3);
  const double c = std::cos(0.75 * 0.75 * 0.75);
  EXPECT_TRUE(tape.has_grad(y2));
  EXPECT_DOUBLE_EQ(tape.grad(y2)(), c);
  EXPECT_DOUBLE_EQ(tape.grad(y1)(), c * 0.75);
  EXPECT_DOUBLE_EQ(tape.grad(x)(), c * 3 * 0.75 * 0.75);
}

}  // namespace
}  // namespace tapegrad
