// The cost ledger: every built-in op reports FLOPs and bytes (each case of
// the op table, tests/ops/op_cases.hpp), and Tape::stats() adds them up
// exactly (per op and in total) with the bytes the tape holds.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "lecture/network.hpp"
#include "ops/op_cases.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

const OpTally& tally_of(const TapeStats& stats, const std::string& op) {
  for (const OpTally& entry : stats.by_op) {
    if (entry.op == op)
      return entry;
  }
  throw std::runtime_error("no op " + op + " in the stats");
}

TEST(CostLedger, EveryBuiltInOpReportsACostAndAFormula) {
  // Every case of the op table, recorded with its own shapes: each node's
  // op (the op under test and any around it) has a cost, the op under test
  // moves bytes both ways and prints a formula.
  std::set<std::string> covered;
  for (const testing::OpCase<double>& c : testing::op_cases<double>()) {
    SCOPED_TRACE(c.op + " " + c.label);
    Tape<double> tape;
    (void)c.f(tape, testing::record_vars(tape, c));
    const TapeStats stats = tape.stats();
    EXPECT_EQ(stats.nodes_without_cost, 0u);
    const OpTally& tally = tally_of(stats, c.op);
    EXPECT_GT(tally.cost.forward_bytes, 0u);
    bool swept = false;  // false for an op whose output is a constant (a comparison, argmax)
    for (NodeId id = 0; id < tape.size(); ++id) {
      const Node<double>& node = tape.node(id);
      if (node.op && node.op->name() == c.op) {
        EXPECT_FALSE(node.op->formula().empty());
        swept = swept || node.requires_grad;
      }
    }
    if (swept) {
      EXPECT_GT(tally.cost.backprop_bytes, 0u);
    } else {
      EXPECT_EQ(tally.cost.backprop_bytes, 0u);
      EXPECT_EQ(tally.cost.backprop_flops, 0u);
    }
    covered.insert(c.op);
  }
  testing::expect_covers_builtins(covered, "cost");
}

// x (4 × 3) → linear(W1 5 × 3, b1) → relu → linear(W2 2 × 5, b2) →
// cross-entropy with 4 labels, by OpCost's conventions:
//   forward:  linear1 2·4·3·5 + 4·5 = 140, relu 20, linear2 2·4·5·2 + 4·2 = 88,
//             cross-entropy 5·8 + 4·4 + 1 = 57                     → 305
//   backprop: cross-entropy 2·8 + 1 = 17; linear2 ∂h 80 + ∂W 80 + ∂b 8 = 168;
//             relu 20; linear1 ∂W 120 + ∂b 20 = 140 (x is data: no ∂x) → 345
TEST(CostLedger, ExactFlopCountOfASmallMlp) {
  Parameter<float> w1(Tensor<float>(Shape{5, 3}, 0.1f), "W1");
  Parameter<float> b1(Tensor<float>(Shape{5}, 0.0f), "b1");
  Parameter<float> w2(Tensor<float>(Shape{2, 5}, 0.1f), "W2");
  Parameter<float> b2(Tensor<float>(Shape{2}, 0.0f), "b2");
  Tape<float> tape;
  const Var<float> x = tape.constant(Tensor<float>(Shape{4, 3}, 1.0f), "x");
  const Var<float> labels = tape.constant(Tensor<float>{0.0f, 1.0f, 1.0f, 0.0f}, "labels");
  const Var<float> h = relu(linear(x, tape.watch(w1), tape.watch(b1)));
  const Var<float> loss = cross_entropy(linear(h, tape.watch(w2), tape.watch(b2)), labels);

  const TapeStats stats = tape.stats();
  EXPECT_EQ(stats.total.forward_flops, 305u);
  EXPECT_EQ(stats.total.backprop_flops, 345u);
  EXPECT_EQ(stats.nodes, 10u);
  EXPECT_EQ(stats.leaves, 6u);
  EXPECT_EQ(stats.nodes_without_cost, 0u);
  ASSERT_EQ(stats.by_op.size(), 3u);  // sorted by name
  EXPECT_EQ(stats.by_op[0].op, "cross_entropy");
  EXPECT_EQ(stats.by_op[1].op, "linear");
  EXPECT_EQ(stats.by_op[1].nodes, 2u);
  EXPECT_EQ(stats.by_op[1].cost.forward_flops, 228u);
  EXPECT_EQ(stats.by_op[1].cost.backprop_flops, 308u);
  EXPECT_EQ(stats.by_op[2].op, "relu");
  // linear1 forward reads x, W1, b1 and writes its output: (12 + 15 + 5 + 20)·4 bytes.
  EXPECT_EQ(tally_of(stats, "relu").cost.forward_bytes, 2u * 20 * 4);
  // Held: values of x (12), labels (4), linear1 (20), relu (20), linear2 (8),
  // loss (1); the saved probabilities (8); parameters' value + gradient.
  EXPECT_EQ(stats.value_bytes, (12u + 4 + 20 + 20 + 8 + 1) * 4);
  EXPECT_EQ(stats.saved_bytes, 8u * 4);
  EXPECT_EQ(stats.parameter_bytes, 2u * (15 + 5 + 10 + 2) * 4);
  EXPECT_EQ(stats.grad_bytes, 0u);

  tape.backward(loss);
  // Gradients now held by the op nodes (the leaves' go to the parameters).
  EXPECT_EQ(tape.stats().grad_bytes, (20u + 20 + 8 + 1) * 4);
}

TEST(CostLedger, LectureNetwork) {
  lecture::Network net;
  Tape<double> tape;
  net.forward(tape);
  const TapeStats stats = tape.stats();
  // Per layer: matmul 2·2·2 = 8, add 2, sigmoid 4·2 = 8; mse 3·2 + 2 = 8.
  EXPECT_EQ(stats.total.forward_flops, 2u * (8 + 2 + 8) + 8);
  // matmul(1): only W(1) needs a gradient (x is data) → 8; matmul(2): 16.
  // add: 0; sigmoid: 3·2 each; mse: only y → 2·2 + 1.
  EXPECT_EQ(stats.total.backprop_flops, 8u + 16 + 2 * 6 + 5);
  EXPECT_EQ(tally_of(stats, "matmul").nodes, 2u);
}

TEST(CostLedger, ANodeNeverSweptHasNoBackpropCost) {
  Tape<double> tape;
  const Var<double> a = tape.constant(Tensor<double>{1.0, 2.0});
  (void)exp(a);
  const TapeStats stats = tape.stats();
  EXPECT_EQ(stats.total.forward_flops, 2u);
  EXPECT_EQ(stats.total.backprop_flops, 0u);
  EXPECT_EQ(stats.total.backprop_bytes, 0u);
}

}  // namespace
}  // namespace tapegrad
