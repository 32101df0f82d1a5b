// Handles that cannot crash: a Var outliving its tape, a new tape where the
// old one was, identities that never repeat, the 32-bit id limits, and a
// parameter destroyed while a tape still watches it. Each must throw, never
// read freed memory (the sanitizer build runs these too).

#include <gtest/gtest.h>

#include <memory>
#include <new>
#include <set>
#include <string>
#include <vector>

#include "tapegrad/inspect.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {

namespace detail {
/// Lowers a tape's 32-bit limits so that the tests can reach them.
template <>
struct TapeTestAccess<double> {
  static void set_id_limit(Tape<double>& tape, std::size_t limit) {
    tape.id_limit_ = limit;
    tape.node_room_ = tape.edge_room_ = 0;  // make_room() sets them again
  }
};
}  // namespace detail

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(HandleSafety, VarOfADestroyedHeapTapeThrowsStaleVar) {
  auto tape = std::make_unique<Tape<double>>();
  const Var<double> x = tape->variable(Tensor<double>{1.0, 2.0}, "x");
  const Var<double> y = sin(x);
  tape->backward(sum(y));
  tape.reset();

  EXPECT_FALSE(x.live());
  EXPECT_TRUE(x.valid());
  try {
    (void)exp(x);
    FAIL() << "expected StaleVarError";
  } catch (const StaleVarError& e) {
    EXPECT_EQ(e.op(), "exp");
    EXPECT_TRUE(contains(e.what(), "destroyed")) << e.what();
  }
  EXPECT_THROW((void)x.value(), StaleVarError);
  EXPECT_THROW((void)y.grad(), StaleVarError);
  EXPECT_THROW((void)y.item(), StaleVarError);
  EXPECT_THROW((void)x.label("again"), StaleVarError);
  EXPECT_THROW((void)x.tape(), StaleVarError);
  EXPECT_THROW((void)(x + y), StaleVarError);
}

TEST(HandleSafety, ANewTapeInTheSameStorageRefusesTheOldVar) {
  alignas(Tape<double>) unsigned char storage[sizeof(Tape<double>)];
  auto* first = new (storage) Tape<double>;
  const Var<double> old = first->variable(Tensor<double>{1.0, 2.0, 3.0});
  first->~Tape();
  auto* second = new (storage) Tape<double>;  // same address, same node ids
  const Var<double> fresh = second->variable(Tensor<double>{4.0, 5.0, 6.0});
  ASSERT_EQ(old.id(), fresh.id());

  EXPECT_THROW((void)second->value(old), StaleVarError);
  EXPECT_THROW((void)old.value(), StaleVarError);
  EXPECT_THROW((void)(old * fresh), StaleVarError);
  EXPECT_THROW((void)second->gradient(sum(fresh), {old}), StaleVarError);
  EXPECT_DOUBLE_EQ(sum(fresh).item(), 15.0);  // the new tape itself works
  second->~Tape();
}

TEST(HandleSafety, ANewHeapTapeRefusesAVarOfTheTapeFreedBeforeIt) {
  auto first = std::make_unique<Tape<double>>();
  const Var<double> old = first->variable(Tensor<double>{1.0});
  first.reset();
  auto second = std::make_unique<Tape<double>>();  // may reuse the freed block
  const Var<double> fresh = second->variable(Tensor<double>{2.0});
  EXPECT_THROW((void)second->value(old), StaleVarError);
  EXPECT_THROW((void)(old + fresh), StaleVarError);
}

TEST(HandleSafety, GenerationsNeverRepeatAcrossTapesAndResets) {
  std::set<std::uint64_t> seen;
  for (int t = 0; t < 20; ++t) {
    Tape<double> tape;  // constructed at the same stack slot each time
    for (int r = 0; r < 50; ++r) {
      const Var<double> v = tape.constant(Tensor<double>(1.0));
      EXPECT_TRUE(seen.insert(v.generation()).second) << "tape " << t << ", reset " << r;
      tape.reset();
      EXPECT_FALSE(v.live());
    }
  }
}

TEST(HandleSafety, RecordingPastTheNodeLimitThrowsCapacityError) {
  Tape<double> tape;
  detail::TapeTestAccess<double>::set_id_limit(tape, 3);
  const Var<double> x = tape.variable(Tensor<double>(2.0));
  const Var<double> y = square(x);
  const Var<double> z = 2.0 * y;  // node 2: the last one
  try {
    (void)sin(z);
    FAIL() << "expected CapacityError";
  } catch (const CapacityError& e) {
    EXPECT_TRUE(contains(e.what(), "32-bit")) << e.what();
    EXPECT_TRUE(contains(e.what(), "3 nodes")) << e.what();
  }
  EXPECT_THROW((void)tape.constant(Tensor<double>(1.0)), CapacityError);
  EXPECT_EQ(tape.size(), 3u);  // nothing half-recorded
  tape.backward(z);
  EXPECT_DOUBLE_EQ(tape.grad(x)(), 8.0);
  tape.reset();  // and the limit counts from the reset
  EXPECT_NO_THROW((void)tape.constant(Tensor<double>(1.0)));
}

TEST(HandleSafety, RecordingPastTheEdgeLimitThrowsCapacityError) {
  Tape<double> tape;
  detail::TapeTestAccess<double>::set_id_limit(tape, 4);
  const Var<double> a = tape.variable(Tensor<double>(1.0));
  const Var<double> b = tape.variable(Tensor<double>(2.0));
  const Var<double> ab = a * b;                  // edges 0, 1
  const Var<double> abb = ab * b;                // edges 2, 3
  EXPECT_THROW((void)(abb * a), CapacityError);  // edges 4, 5: past the limit
  EXPECT_EQ(tape.size(), 4u);
  EXPECT_DOUBLE_EQ(abb.item(), 4.0);
}

TEST(HandleSafety, AWatchOfADestroyedParameterThrowsAtTheTapesNextUse) {
  Tape<double> tape;
  Var<double> w;
  Var<double> loss;
  {
    Parameter<double> p(Tensor<double>{1.0, 2.0}, "fc.W");
    w = tape.watch(p);
    loss = sum(w * w);
  }  // p is gone; the tape still holds its watch
  try {
    tape.backward(loss);
    FAIL() << "expected StaleVarError";
  } catch (const StaleVarError& e) {
    EXPECT_EQ(e.op(), "backward");
    EXPECT_EQ(e.node(), w.id());
    EXPECT_TRUE(contains(e.what(), "fc.W")) << e.what();
  }
  EXPECT_THROW((void)(w * w), StaleVarError);       // recording with it
  EXPECT_THROW((void)w.value(), StaleVarError);     // reading it
  EXPECT_THROW((void)tape.grad(w), StaleVarError);  // its gradient
  EXPECT_THROW((void)tape.node(w.id()), StaleVarError);
  EXPECT_THROW((void)tape.stats(), StaleVarError);
  EXPECT_THROW((void)inspect::record(tape), StaleVarError);
  EXPECT_THROW((void)tape.gradient(loss, {w}), StaleVarError);
  EXPECT_DOUBLE_EQ(loss.item(), 5.0);  // values recorded from it stay readable
  tape.reset();                        // and the tape is usable again
  Parameter<double> q(Tensor<double>{3.0}, "q");
  const Var<double> wq = tape.watch(q);
  tape.backward(sum(wq * wq));
  EXPECT_DOUBLE_EQ(q.grad()(0), 6.0);
}

TEST(HandleSafety, AParameterMovedByAGrowingVectorIsANewParameter) {
  Tape<double> tape;
  std::vector<Parameter<double>> params;
  params.reserve(1);
  params.emplace_back(Tensor<double>{1.0}, "a");
  const Var<double> a = tape.watch(params[0]);
  params.emplace_back(Tensor<double>{2.0}, "b");  // reallocates: params[0] moved
  EXPECT_THROW((void)(a * a), StaleVarError);
  tape.reset();  // (a tape holding a dead watch refuses every backward)
  const Var<double> moved = tape.watch(params[0]);  // the live one works
  tape.backward(sum(moved * moved));
  EXPECT_DOUBLE_EQ(params[0].grad()(0), 2.0);
}

}  // namespace
}  // namespace tapegrad
