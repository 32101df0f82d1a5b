// format_trace() on a hand-built trace (the lecture's last two steps), and
// inspect::stats() / format_stats() on records with and without costs.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include <tapegrad/inspect.hpp>

#include "inspect/inspect_support.hpp"

namespace {

namespace inspect = tapegrad::inspect;

// What backward(L, {.trace}) reports for the lecture's L and y (SEED.md).
tapegrad::BackpropTrace lecture_trace() {
  tapegrad::BackpropTrace trace;
  trace.output = 12;
  trace.seed = {{}, {1.0}};
  trace.steps.push_back(
      {12, "mse", "L", {{}, {1.0}}, {{0, 10, {{2}, {0.7448067435, -0.2130944801}}}}});
  trace.steps.push_back({10,
                         "sigmoid",
                         "y",
                         {{2}, {0.7448067435, -0.2130944801}},
                         {{0, 9, {{2}, {0.1378440083, -0.0369342456}}}}});
  return trace;
}

TEST(FormatTrace, OneBlockPerStepNamingInputsByLabel) {
  lecture::Network net;
  tapegrad::Tape<double> tape;
  tape.backward(net.forward(tape).loss);
  const inspect::TapeRecord record = inspect::record(tape);
  EXPECT_EQ(inspect::format_trace(lecture_trace(), &record),
            "backward trace: 2 steps from node 12 'L', seed 1\n"
            "step 1: node 12 mse 'L'\n"
            "  g = 1\n"
            "  -> input 0 (node 10 'y'): [0.744807, -0.213094]\n"
            "step 2: node 10 sigmoid 'y'\n"
            "  g = [0.744807, -0.213094]\n"
            "  -> input 0 (node 9 'a(2)'): [0.137844, -0.0369342]\n");
}

TEST(FormatTrace, WithoutRecordOrStepsOrConsistentValues) {
  tapegrad::BackpropTrace trace = lecture_trace();
  trace.steps.resize(1);
  trace.steps[0].contributions[0].gradient.values.pop_back();
  EXPECT_EQ(inspect::format_trace(trace),
            "backward trace: 1 step from node 12, seed 1\n"
            "step 1: node 12 mse 'L'\n"
            "  g = 1\n"
            "  -> input 0 (node 10): <1 values for shape (2,)>\n");
  EXPECT_EQ(inspect::format_trace(tapegrad::BackpropTrace{}),
            "backward trace: empty (no traced backward)\n");
}

// Two leaves and two ops of known shapes; one op has a cost, one has none.
inspect::TapeRecord costed_record() {
  inspect::TapeRecord r;
  r.dtype = "float32";
  auto leaf = [](tapegrad::NodeId id, inspect::NodeKind kind, std::vector<std::size_t> shape) {
    inspect::NodeRecord n;
    n.id = id;
    n.kind = kind;
    n.shape = std::move(shape);
    return n;
  };
  r.nodes.push_back(leaf(0, inspect::NodeKind::constant, {3, 4}));       // 48 value bytes
  r.nodes.push_back(leaf(1, inspect::NodeKind::parameter, {4, 5}));      // 2·80 parameter bytes
  inspect::NodeRecord product = leaf(2, inspect::NodeKind::op, {3, 5});  // 60 bytes, + grad
  product.op = "matmul";
  product.inputs = {0, 1};
  product.cost = tapegrad::OpCost{120, 368, 240, 736};
  product.grad_summary = inspect::TensorSummary{};
  product.saved_bytes = 16;
  r.nodes.push_back(product);
  inspect::NodeRecord total = leaf(3, inspect::NodeKind::op, {});  // 4 bytes, + grad
  total.op = "sum";
  total.inputs = {2};
  total.grad_summary = inspect::TensorSummary{};
  r.nodes.push_back(total);
  return r;
}

TEST(RecordStats, CostsFromTheRecordBytesFromShapes) {
  const tapegrad::TapeStats s = inspect::stats(costed_record());
  EXPECT_EQ(s.nodes, 4u);
  EXPECT_EQ(s.leaves, 2u);
  EXPECT_EQ(s.nodes_without_cost, 1u);
  EXPECT_EQ(s.total.forward_flops, 120u);
  EXPECT_EQ(s.total.backprop_bytes, 736u);
  EXPECT_EQ(s.value_bytes, 48u + 60u + 4u);
  EXPECT_EQ(s.grad_bytes, 60u + 4u);
  EXPECT_EQ(s.saved_bytes, 16u);
  EXPECT_EQ(s.parameter_bytes, 160u);
  ASSERT_EQ(s.by_op.size(), 2u);
  EXPECT_EQ(s.by_op[0].op, "matmul");
  EXPECT_EQ(s.by_op[1].nodes_without_cost, 1u);
}

TEST(RecordStats, MatchTapeStatsOnTheLectureTape) {
  lecture::Network net;
  tapegrad::Tape<double> tape;
  tape.backward(net.forward(tape).loss);
  const tapegrad::TapeStats live = tape.stats();
  const tapegrad::TapeStats recorded = inspect::stats(inspect::record(tape));
  EXPECT_EQ(recorded.nodes, live.nodes);
  EXPECT_EQ(recorded.leaves, live.leaves);
  EXPECT_EQ(recorded.nodes_without_cost, live.nodes_without_cost);
  EXPECT_EQ(recorded.value_bytes, live.value_bytes);
  EXPECT_EQ(recorded.parameter_bytes, live.parameter_bytes);
  EXPECT_EQ(recorded.value_bytes, (8u * 2u + 1u) * 8u);  // 8 nodes of 2 doubles, L of 1
  EXPECT_EQ(recorded.parameter_bytes, 2u * (4u + 2u + 4u + 2u) * 8u);
}

TEST(RecordStats, TotalsSaturateInsteadOfWrapping) {
  // Costs as a hostile file may give them: their sums pass 2⁶⁴.
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  inspect::TapeRecord r;
  r.dtype = "float64";
  for (tapegrad::NodeId id = 0; id < 2; ++id) {
    inspect::NodeRecord n;
    n.id = id;
    n.kind = inspect::NodeKind::op;
    n.op = "neg";
    n.saved_bytes = kMax - 1;
    n.cost = tapegrad::OpCost{kMax, kMax - 1, 3, kMax};
    r.nodes.push_back(n);
  }
  const tapegrad::TapeStats s = inspect::stats(r);
  EXPECT_EQ(s.total.forward_flops, kMax);
  EXPECT_EQ(s.total.forward_bytes, kMax);
  EXPECT_EQ(s.total.backprop_flops, 6u);
  EXPECT_EQ(s.total.backprop_bytes, kMax);
  EXPECT_EQ(s.by_op.at(0).cost.forward_flops, kMax);
  EXPECT_EQ(s.saved_bytes, kMax);
  const std::string text = inspect::format_stats(s);
  EXPECT_NE(text.find("forward:  18446744073709551615 flops, 18446744073709551615 bytes\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("bytes held: 18446744073709551615 (values 16, gradients 0, saved for "
                      "backprop 18446744073709551615"),
            std::string::npos)
      << text;
}

TEST(FormatTrace, ControlCharactersInLabelsAndOpsAreEscaped) {
  inspect::TapeRecord record;
  record.dtype = "float64";
  record.nodes.resize(2);
  record.nodes[0].label = "x\x1b[2J";
  record.nodes[1].id = 1;
  record.nodes[1].kind = inspect::NodeKind::op;
  record.nodes[1].op = "op\u009b";
  tapegrad::BackpropTrace trace;
  trace.output = 1;
  trace.seed.shape = {0};
  tapegrad::TraceStep step;
  step.node = 1;
  step.grad_output.shape = {0};
  step.op = "op\u009b";
  step.label = "L\a\n";
  step.contributions.push_back({0, 0, {{0}, {}}});
  trace.steps.push_back(step);
  EXPECT_EQ(inspect::format_trace(trace, &record),
            "backward trace: 1 step from node 1, seed []\n"
            "step 1: node 1 op\\u009b 'L\\x07\\n'\n"
            "  g = []\n"
            "  -> input 0 (node 0 'x\\x1b[2J'): []\n");
}

TEST(FormatStats, TotalsPerOpAndBytesHeld) {
  EXPECT_EQ(inspect::format_stats(inspect::stats(costed_record())),
            "nodes: 4 (2 leaves, 2 ops; 1 without a cost estimate)\n"
            "forward:  120 flops, 368 bytes\n"
            "backprop: 240 flops, 736 bytes\n"
            "op      nodes  no cost  fwd flops  fwd bytes  bwd flops  bwd bytes\n"
            "matmul      1        0        120        368        240        736\n"
            "sum         1        1          0          0          0          0\n"
            "bytes held: 352 (values 112, gradients 64, saved for backprop 16, parameters 160)\n");
}

}  // namespace
