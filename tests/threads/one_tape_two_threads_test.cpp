// A second thread inside a tape while the first is: ConcurrentUseError,
// thrown before the second thread touches anything (exclusive_use.hpp). The
// first thread is held inside a forward until the second has tried, so the
// overlap is certain, not a race. Also built for ThreadSanitizer.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

enum Stage : int { kBefore, kInside, kRelease };

/// y = x, whose forward waits inside the tape until told to go on.
class HoldingOp final : public Operation<double> {
 public:
  explicit HoldingOp(std::atomic<int>& stage) : stage_(stage) {}
  std::string_view name() const override { return "holding"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    stage_.store(kInside);
    while (stage_.load() != kRelease)
      std::this_thread::yield();
    xt::noalias(ctx.output(ctx.input(0).shape())) = ctx.input(0);
  }
  void backprop(BackpropContext<double>& ctx) const override {
    ctx.accumulate(0, ctx.grad_output());
  }

 private:
  std::atomic<int>& stage_;
};

template <class Call>
void expect_concurrent_use(Call call, const std::string& entry) {
  try {
    call();
    ADD_FAILURE() << entry << " from a second thread did not throw";
  } catch (const ConcurrentUseError& e) {
    EXPECT_EQ(e.op(), entry);
    EXPECT_NE(std::string(e.what()).find("called while another call is inside this tape"), std::string::npos)
        << e.what();
  }
}

TEST(OneTapeTwoThreads, TheSecondThreadGetsConcurrentUseErrorAndTheTapeStaysIntact) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0}, "x");
  std::atomic<int> stage{kBefore};
  Var<double> held;
  std::thread first([&] { held = tape.apply<HoldingOp>({x}, stage); });
  while (stage.load() != kInside)
    std::this_thread::yield();

  expect_concurrent_use([&] { tape.constant(Tensor<double>{3.0}); }, "constant");
  expect_concurrent_use([&] { tape.variable(Tensor<double>{3.0}); }, "variable");
  expect_concurrent_use([&] { (void)(x * x); }, "record");
  expect_concurrent_use([&] { tape.apply("exp", {x}); }, "apply");
  expect_concurrent_use([&] { (void)x.value(); }, "value");
  expect_concurrent_use([&] { tape.backward(sum(x)); }, "record");
  expect_concurrent_use([&] { tape.reset(); }, "reset");
  expect_concurrent_use([&] { (void)tape.stats(); }, "stats");

  stage.store(kRelease);
  first.join();
  // The held op recorded normally, and the tape can be handed over: this
  // thread now records, sweeps and differentiates twice (gradient() records
  // through the public entries: nesting on one thread is allowed).
  ASSERT_EQ(tape.size(), 2u);
  Var<double> y = sum(held * held * held);
  tape.backward(y);
  EXPECT_DOUBLE_EQ(x.grad()(1), 12.0);  // 3x²
  const Var<double> dx = tape.gradient(sum(x * x * x), {x}, {.create_graph = true})[0];
  const Var<double> ddx = tape.gradient(sum(dx), {x})[0];
  EXPECT_DOUBLE_EQ(ddx.value()(1), 12.0);  // 6x
}

TEST(OneTapeTwoThreads, ThreadsTakingTurnsAreFine) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{2.0}, "x");
  Var<double> y = x;
  for (int turn = 0; turn < 4; ++turn) {
    std::thread t([&] { y = y * x; });
    t.join();
  }
  tape.backward(sum(y));
  EXPECT_DOUBLE_EQ(x.grad()(0), 5.0 * 16.0);  // d x⁵ = 5x⁴
}

}  // namespace
}  // namespace tapegrad
