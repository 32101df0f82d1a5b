// Elementwise ops on large tensors split their loop across the threads
// set_num_threads() allows (src/core/parallel.hpp). The split must not show:
// the same bits as on one thread, the caller's flush-to-zero in every piece,
// and correct results when several threads' loops meet at the pool.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

// Above 2 × 64 Ki elements, the smallest loop that is split; odd, so the
// last piece has a tail.
constexpr std::size_t kLarge = 300001;

class ParallelLoops : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = num_threads();
    set_num_threads(2);
    ASSERT_EQ(num_threads(), 2);
  }
  void TearDown() override {
    set_flush_denormals(false);
    set_num_threads(previous_);
  }

 private:
  int previous_ = 1;
};

/// Values and input gradients of a few elementwise ops on x.
std::vector<Tensor<double>> values_and_grads(const Tensor<double>& x) {
  Tape<double> tape;
  Var<double> v = tape.variable(x, "x");
  Var<double> t = tanh(v);
  Var<double> r = relu(v);
  Var<double> e = exp(scale(v, 0.5));
  tape.backward(sum(t * r + e));
  return {t.value(), r.value(), e.value(), v.grad()};
}

void expect_bitwise_equal(const std::vector<Tensor<double>>& a,
                          const std::vector<Tensor<double>>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    ASSERT_EQ(a[k].shape(), b[k].shape()) << what << " tensor " << k;
    std::size_t differing = 0;
    for (std::size_t i = 0; i < a[k].size(); ++i)
      differing += a[k].data()[i] != b[k].data()[i] ? 1 : 0;
    EXPECT_EQ(differing, 0u) << what << " tensor " << k;
  }
}

TEST_F(ParallelLoops, LargeElementwiseOpsGiveTheSameBitsOnAnyThreadCount) {
  for (const std::size_t n : {kLarge, std::size_t{1} << 18, std::size_t{131075}}) {
    const Tensor<double> x = testing::random_tensor<double>({n}, 7);
    const std::vector<Tensor<double>> two = values_and_grads(x);
    set_num_threads(1);
    const std::vector<Tensor<double>> one = values_and_grads(x);
    set_num_threads(2);
    expect_bitwise_equal(two, one, "n = " + std::to_string(n));
  }
}

TEST_F(ParallelLoops, EveryPieceFlushesDenormalsWhenTheCallerDoes) {
  constexpr double kSubnormal = 1e-310;
  Tape<double> tape;
  Tensor<double> tiny = Tensor<double>::from_shape({kLarge});
  tiny.fill(kSubnormal);
  Var<double> x = tape.constant(tiny, "x");
  // Denormals-are-zero makes relu's comparison see 0, so it gives 0.
  ASSERT_TRUE(set_flush_denormals(true));
  const Tensor<double> flushed = relu(x).value();
  ASSERT_TRUE(set_flush_denormals(false));
  const Tensor<double> kept = relu(x).value();
  std::size_t not_flushed = 0, not_kept = 0;
  for (std::size_t i = 0; i < kLarge; ++i) {
    not_flushed += flushed.data()[i] != 0.0 ? 1 : 0;
    not_kept += kept.data()[i] != kSubnormal ? 1 : 0;
  }
  EXPECT_EQ(not_flushed, 0u);
  EXPECT_EQ(not_kept, 0u);  // and the workers went back to their own setting
}

TEST_F(ParallelLoops, ConcurrentCallersGetTheirOwnResults) {
  constexpr int kCallers = 4;
  std::vector<Tensor<double>> inputs;
  std::vector<std::vector<Tensor<double>>> sequential;
  for (int c = 0; c < kCallers; ++c) {
    inputs.push_back(testing::random_tensor<double>({kLarge}, 20 + static_cast<std::uint64_t>(c)));
    sequential.push_back(values_and_grads(inputs.back()));
  }
  std::vector<std::vector<Tensor<double>>> concurrent(kCallers);
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int round = 0; round < 3; ++round)
        concurrent[static_cast<std::size_t>(c)] =
            values_and_grads(inputs[static_cast<std::size_t>(c)]);
    });
  }
  for (std::thread& caller : callers)
    caller.join();
  for (int c = 0; c < kCallers; ++c) {
    const auto i = static_cast<std::size_t>(c);
    expect_bitwise_equal(concurrent[i], sequential[i], "caller " + std::to_string(c));
  }
}

}  // namespace
}  // namespace tapegrad
