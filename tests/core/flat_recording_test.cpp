// The fast path of built-in ops on scalars (src/core/tape_record_flat.hpp)
// records what Tape::record() records, and hands every case it does not
// handle itself to record(), which raises the same errors as before.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(FlatRecording, OperatorsRecordTheSameNodesAsApplyByName) {
  Tape<double> fast;
  Tape<double> by_name;
  const Var<double> a = fast.variable(Tensor<double>(0.75), "a");
  const Var<double> b = fast.variable(Tensor<double>(-1.5), "b");
  const Var<double> y = sin(a * b) + b;  // the fast path
  const Var<double> a2 = by_name.variable(Tensor<double>(0.75), "a");
  const Var<double> b2 = by_name.variable(Tensor<double>(-1.5), "b");
  const Var<double> m2 = by_name.apply("mul", {a2, b2});  // Tape::record()'s path
  const Var<double> y2 = by_name.apply("add", {by_name.apply("sin", {m2}), b2});

  ASSERT_EQ(fast.size(), 5u);
  ASSERT_EQ(by_name.size(), 5u);
  for (NodeId id = 2; id < 5; ++id) {
    const Node<double>& n = fast.node(id);
    const Node<double>& n2 = by_name.node(id);
    EXPECT_EQ(n.op->name(), n2.op->name()) << "node " << id;
    EXPECT_TRUE(n.flat) << "node " << id;
    EXPECT_TRUE(n2.flat) << "node " << id;
    EXPECT_TRUE(n.requires_grad) << "node " << id;
    EXPECT_EQ(n.scalar, n2.scalar) << "node " << id;
    const Span<NodeId> inputs = fast.inputs(id);
    const Span<NodeId> inputs2 = by_name.inputs(id);
    ASSERT_EQ(inputs.size(), inputs2.size()) << "node " << id;
    for (std::size_t k = 0; k < inputs.size(); ++k)
      EXPECT_EQ(inputs[k], inputs2[k]) << "node " << id << ", input " << k;
  }
  EXPECT_EQ(fast.node(2).op->name(), "mul");
  EXPECT_EQ(y.item(), std::sin(0.75 * -1.5) + -1.5);

  fast.backward(y);
  by_name.backward(y2);
  const double c = std::cos(0.75 * -1.5);
  EXPECT_EQ(a.grad()(), c * -1.5);
  EXPECT_EQ(b.grad()(), c * 0.75 + 1.0);
  EXPECT_EQ(a2.grad()(), a.grad()());
  EXPECT_EQ(b2.grad()(), b.grad()());
}

TEST(FlatRecording, AScalarOfAnotherTapeIsATapeMismatchNamingTheOp) {
  Tape<double> tape;
  Tape<double> other;
  const Var<double> x = tape.variable(Tensor<double>(2.0));
  const Var<double> z = other.variable(Tensor<double>(3.0));
  try {
    (void)(x * z);
    FAIL() << "expected TapeMismatchError";
  } catch (const TapeMismatchError& e) {
    EXPECT_EQ(e.op(), "mul");
    EXPECT_TRUE(contains(e.what(), "another tape")) << e.what();
  }
  EXPECT_EQ(tape.size(), 1u);
}

TEST(FlatRecording, AScalarKeptAcrossResetIsStaleNamingTheOp) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>(2.0));
  tape.reset();
  const Var<double> fresh = tape.variable(Tensor<double>(1.0));
  try {
    (void)sin(x);
    FAIL() << "expected StaleVarError";
  } catch (const StaleVarError& e) {
    EXPECT_EQ(e.op(), "sin");
  }
  try {
    (void)(fresh + x);  // a stale second input
    FAIL() << "expected StaleVarError";
  } catch (const StaleVarError& e) {
    EXPECT_EQ(e.op(), "add");
  }
  EXPECT_EQ(tape.size(), 1u);
}

TEST(FlatRecording, ANonFiniteScalarInAnomalyModeThrowsAndRecordsNothing) {
  Tape<double> tape;
  tape.set_detect_anomaly(true);
  const Var<double> x = tape.variable(Tensor<double>(-1.0), "x");
  try {
    (void)log(x);
    FAIL() << "expected AnomalyError";
  } catch (const AnomalyError& e) {
    EXPECT_EQ(e.op(), "log");
    EXPECT_EQ(e.node(), std::optional<NodeId>(1));
    EXPECT_TRUE(contains(e.what(), "NaN")) << e.what();
  }
  EXPECT_EQ(tape.size(), 1u);
  EXPECT_EQ(log(-x).item(), 0.0);  // a finite output still records
  EXPECT_EQ(tape.size(), 3u);
}

TEST(FlatRecording, UnderNoGradTheNodeNeedsNoGradient) {
  Tape<double> tape;
  const Var<double> x = tape.variable(Tensor<double>(2.0));
  Var<double> y;
  {
    const NoGradScope<double> no_grad(tape);
    y = x * x;
  }
  EXPECT_TRUE(tape.node(y.id()).flat);
  EXPECT_FALSE(tape.node(y.id()).requires_grad);
  EXPECT_EQ(y.item(), 4.0);
}

TEST(FlatRecording, AScalarTimesATensorTakesTheTensorPath) {
  Tape<double> tape;
  const Var<double> s = tape.variable(Tensor<double>(3.0));
  const Var<double> v = tape.variable(Tensor<double>{1.0, -2.0});
  const Var<double> y = s * v;
  EXPECT_FALSE(tape.node(y.id()).flat);
  EXPECT_EQ(y.value(), (Tensor<double>{3.0, -6.0}));
  tape.backward(sum(y));
  EXPECT_EQ(s.grad()(), -1.0);
  EXPECT_EQ(v.grad(), (Tensor<double>{3.0, 3.0}));
}

}  // namespace
}  // namespace tapegrad
