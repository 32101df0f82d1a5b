// Thread safety: several std::threads, each with its own tape, reading shared
// parameters, sharing the op registry and static op instances; results are
// compared bit for bit with the same work done sequentially. Built into
// tapegrad_tests and, alone, into tapegrad_thread_tests for the ThreadSanitizer
// build (cmake/run.sh tsan).

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/random.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

constexpr int kThreads = 4;
constexpr int kBatchesPerThread = 6;

/// OpenBLAS's own worker threads are invisible to ThreadSanitizer and make
/// GEMM results depend on the split: one BLAS thread for these tests.
class ConcurrentTapes : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = num_threads();
    set_num_threads(1);
  }
  void TearDown() override { set_num_threads(previous_); }

 private:
  int previous_ = 1;
};

struct Model {
  Parameter<double> w1{testing::random_tensor<double>({8, 5}, 1), "W1"};
  Parameter<double> b1{testing::random_tensor<double>({8}, 2), "b1"};
  Parameter<double> w2{testing::random_tensor<double>({3, 8}, 3), "W2"};
};

Tensor<double> batch_features(int batch) {
  return testing::random_tensor<double>({4, 5}, 100 + static_cast<std::uint64_t>(batch));
}
Tensor<double> batch_labels(int batch) {
  Tensor<double> labels = Tensor<double>::from_shape({4});
  for (std::size_t i = 0; i < labels.size(); ++i)
    labels(i) = static_cast<double>((static_cast<std::size_t>(batch) + i) % 3);
  return labels;
}

/// One batch's loss and gradients, reading the shared parameters' values
/// (copied into tape variables: reading is all that is shared).
struct Step {
  double loss = 0;
  std::vector<Tensor<double>> grads;
};
Step run_batch(Tape<double>& tape, const Model& model, int batch) {
  tape.reset();
  Var<double> w1 = tape.variable(model.w1.value());
  Var<double> b1 = tape.variable(model.b1.value());
  Var<double> w2 = tape.variable(model.w2.value());
  Var<double> x = tape.constant(batch_features(batch));
  Var<double> h = tanh(linear(x, w1, b1));
  Var<double> logits = linear(h, w2);
  Var<double> loss =
      cross_entropy(logits, tape.constant(batch_labels(batch))) + scale(sum(square(w1)), 1e-3);
  tape.backward(loss);
  return {loss.item(), {w1.grad(), b1.grad(), w2.grad()}};
}

void expect_bitwise_equal(const Tensor<double>& a, const Tensor<double>& b,
                          const std::string& what) {
  ASSERT_EQ(a.shape(), b.shape()) << what;
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(a.data()[i], b.data()[i]) << what << " element " << i;
}

TEST_F(ConcurrentTapes, SharedParametersPerThreadGradientsMatchSequential) {
  const Model model;  // shared, read-only
  constexpr int batches = kThreads * kBatchesPerThread;
  // Sequential: the same per-thread work, one thread at a time.
  std::vector<Step> sequential(batches);
  for (int t = 0; t < kThreads; ++t) {
    std::thread([&, t] {
      Tape<double> tape;
      for (int k = 0; k < kBatchesPerThread; ++k) {
        const int b = t * kBatchesPerThread + k;
        sequential[static_cast<std::size_t>(b)] = run_batch(tape, model, b);
      }
    }).join();
  }
  std::vector<Step> concurrent(batches);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Tape<double> tape;  // one tape per thread
      for (int k = 0; k < kBatchesPerThread; ++k) {
        const int b = t * kBatchesPerThread + k;
        concurrent[static_cast<std::size_t>(b)] = run_batch(tape, model, b);
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  // Every batch agrees with its sequential twin.
  for (int b = 0; b < batches; ++b) {
    const auto i = static_cast<std::size_t>(b);
    EXPECT_EQ(concurrent[i].loss, sequential[i].loss) << "batch " << b;
    ASSERT_EQ(concurrent[i].grads.size(), 3u);
    for (std::size_t p = 0; p < 3; ++p)
      expect_bitwise_equal(concurrent[i].grads[p], sequential[i].grads[p],
                           "batch " + std::to_string(b) + " parameter " + std::to_string(p));
  }
  EXPECT_NE(sequential[0].loss, sequential[1].loss);  // the batches differ
}

TEST_F(ConcurrentTapes, PerThreadParameterCopiesAccumulateLikeSequential) {
  const Model shared;
  // Sequential: one copy of the parameters accumulates every batch.
  Model sequential = shared;
  {
    Tape<double> tape;
    for (int b = 0; b < kThreads * kBatchesPerThread; ++b) {
      tape.reset();
      Var<double> x = tape.constant(batch_features(b));
      Var<double> logits =
          linear(tanh(linear(x, tape.watch(sequential.w1), tape.watch(sequential.b1))),
                 tape.watch(sequential.w2));
      tape.backward(cross_entropy(logits, tape.constant(batch_labels(b))));
    }
  }
  // Concurrent: each thread watches its own copy; the copies' gradients are
  // summed afterwards. Each thread's batches are in the same order, so each
  // per-thread sum is bit-identical to a sequential run over those batches.
  std::vector<Model> copies(kThreads, shared);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Model& mine = copies[static_cast<std::size_t>(t)];
      Tape<double> tape;
      for (int k = 0; k < kBatchesPerThread; ++k) {
        const int b = t * kBatchesPerThread + k;
        tape.reset();
        Var<double> x = tape.constant(batch_features(b));
        Var<double> logits =
            linear(tanh(linear(x, tape.watch(mine.w1), tape.watch(mine.b1))), tape.watch(mine.w2));
        tape.backward(cross_entropy(logits, tape.constant(batch_labels(b))));
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  // The reference for the summed copies: the per-thread sums computed
  // sequentially, added in thread order.
  Model per_thread_reference = shared;
  Tensor<double> total_w1 = xt::zeros<double>(shared.w1.shape());
  Tensor<double> expected_w1 = xt::zeros<double>(shared.w1.shape());
  for (int t = 0; t < kThreads; ++t) {
    Model one = shared;
    Tape<double> tape;
    for (int k = 0; k < kBatchesPerThread; ++k) {
      const int b = t * kBatchesPerThread + k;
      tape.reset();
      Var<double> x = tape.constant(batch_features(b));
      Var<double> logits =
          linear(tanh(linear(x, tape.watch(one.w1), tape.watch(one.b1))), tape.watch(one.w2));
      tape.backward(cross_entropy(logits, tape.constant(batch_labels(b))));
    }
    expect_bitwise_equal(copies[static_cast<std::size_t>(t)].w2.grad(), one.w2.grad(),
                         "thread " + std::to_string(t) + " W2");
    expected_w1 += one.w1.grad();
    total_w1 += copies[static_cast<std::size_t>(t)].w1.grad();
  }
  expect_bitwise_equal(total_w1, expected_w1, "summed W1");
  // And the sum equals the single sequential accumulation up to rounding.
  for (std::size_t i = 0; i < total_w1.size(); ++i)
    EXPECT_NEAR(total_w1.data()[i], sequential.w1.grad().data()[i], 1e-12);
  // The shared parameters were only read.
  EXPECT_TRUE(shared.w1.grad_is_zero());
}

TEST_F(ConcurrentTapes, RegistryLookupsAndApplyByNameFromManyThreads) {
  const std::vector<std::string> names = {"sigmoid", "tanh", "exp", "square", "neg", "relu"};
  const Tensor<double> input = testing::random_tensor<double>({3, 4}, 7);
  // Sequential reference: value and gradient of sum(op(x)) for each name.
  std::vector<Tensor<double>> values;
  std::vector<Tensor<double>> grads;
  for (const std::string& name : names) {
    Tape<double> tape;
    Var<double> x = tape.variable(input);
    Var<double> y = tape.apply(name, {x});
    tape.backward(sum(y));
    values.push_back(y.value());
    grads.push_back(x.grad());
  }
  std::vector<int> mismatches(kThreads, 0);
  std::vector<int> lookups(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Tape<double> tape;
      OpArena<double> arena;  // owns the ops make() builds
      Registry<double>& registry = Registry<double>::global();
      for (int round = 0; round < 20; ++round) {
        for (std::size_t n = 0; n < names.size(); ++n) {
          const std::string& name = names[(n + static_cast<std::size_t>(t)) % names.size()];
          const std::size_t index = (n + static_cast<std::size_t>(t)) % names.size();
          if (!registry.contains(name) || registry.find(name).name != name)
            ++mismatches[static_cast<std::size_t>(t)];
          if (registry.make(name, {}, arena).name() != name)
            ++mismatches[static_cast<std::size_t>(t)];
          arena.clear();
          ++lookups[static_cast<std::size_t>(t)];
          tape.reset();
          Var<double> x = tape.variable(input);
          Var<double> y = tape.apply(name, {x});
          tape.backward(sum(y));
          if (y.value() != values[index] || x.grad() != grads[index])
            ++mismatches[static_cast<std::size_t>(t)];
        }
        if (registry.entries().empty())
          ++mismatches[static_cast<std::size_t>(t)];
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(mismatches[static_cast<std::size_t>(t)], 0) << "thread " << t;
    EXPECT_EQ(lookups[static_cast<std::size_t>(t)], 20 * static_cast<int>(names.size()));
  }
}

TEST_F(ConcurrentTapes, SharedStaticOpInstancesRecordedFromManyThreads) {
  // Built-in ops are immutable once made: one instance may be recorded on
  // many tapes at once.
  static OpArena<double> arena;
  static const Operation<double>& tanh_op = Registry<double>::global().make("tanh", {}, arena);
  static const Operation<double>& mul_op = Registry<double>::global().make("mul", {}, arena);
  auto run = [](Tape<double>& tape, std::uint64_t seed) {
    tape.reset();
    Var<double> a = tape.variable(testing::random_tensor<double>({5, 3}, seed));
    Var<double> b = tape.variable(testing::random_tensor<double>({3}, seed + 1));
    Var<double> y = tape.record(tanh_op, {tape.record(mul_op, {a, b})});
    tape.backward(sum(y));
    return std::vector<Tensor<double>>{y.value(), a.grad(), b.grad()};
  };
  std::vector<std::vector<Tensor<double>>> sequential;
  {
    Tape<double> tape;
    for (int t = 0; t < kThreads; ++t)
      sequential.push_back(run(tape, 50 + static_cast<std::uint64_t>(t)));
  }
  std::vector<std::vector<Tensor<double>>> concurrent(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Tape<double> tape;
      for (int repeat = 0; repeat < 10; ++repeat)
        concurrent[static_cast<std::size_t>(t)] = run(tape, 50 + static_cast<std::uint64_t>(t));
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  for (std::size_t t = 0; t < kThreads; ++t) {
    ASSERT_EQ(concurrent[t].size(), 3u);
    for (std::size_t k = 0; k < 3; ++k)
      expect_bitwise_equal(concurrent[t][k], sequential[t][k],
                           "thread " + std::to_string(t) + " tensor " + std::to_string(k));
  }
}

TEST_F(ConcurrentTapes, Float32TapesInParallelMatchSequential) {
  auto run = [](Tape<float>& tape, std::uint64_t seed) {
    tape.reset();
    Var<float> x = tape.variable(testing::random_tensor<float>({6, 4}, seed));
    Var<float> w = tape.constant(testing::random_tensor<float>({4, 3}, 9));
    Var<float> y = sum(log_softmax(matmul(x, w)));
    tape.backward(y);
    return std::pair<float, Tensor<float>>{y.item(), x.grad()};
  };
  std::vector<std::pair<float, Tensor<float>>> sequential;
  {
    Tape<float> tape;
    for (int t = 0; t < kThreads; ++t)
      sequential.push_back(run(tape, 200 + static_cast<std::uint64_t>(t)));
  }
  std::vector<std::pair<float, Tensor<float>>> concurrent(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Tape<float> tape;
      concurrent[static_cast<std::size_t>(t)] = run(tape, 200 + static_cast<std::uint64_t>(t));
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  for (std::size_t t = 0; t < kThreads; ++t) {
    EXPECT_EQ(concurrent[t].first, sequential[t].first);
    EXPECT_EQ(concurrent[t].second, sequential[t].second);
  }
}

}  // namespace
}  // namespace tapegrad
