// embedding and its adjoint embedding_backward: looked-up rows, a backward
// that touches only the looked-up rows (a parameter's other rows keep their
// accumulated gradient bit for bit) at a cost that does not grow with the
// table, and every error path. (Random-shape gradchecks: the op table.)
#include <gtest/gtest.h>

#include "ops/indexing_test_support.hpp"
#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::expect_op_error;
using testing::iota;

TEST(EmbeddingOp, LooksUpRows) {
  Tape<double> tape;
  const Var<double> w = tape.variable(iota({4, 3}));  // row r = [3r, 3r+1, 3r+2]
  const Var<double> ids = tape.constant(Tensor<double>{{3, 0}, {1, 3}});
  const Var<double> y = embedding(w, ids);
  EXPECT_EQ(y.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(y.value(), (Tensor<double>{{{9, 10, 11}, {0, 1, 2}}, {{3, 4, 5}, {9, 10, 11}}}));
  const Var<double> one = embedding(w, tape.constant(Tensor<double>(2.0)));
  EXPECT_EQ(one.value(), (Tensor<double>{6, 7, 8}));
  EXPECT_EQ(embedding(w, tape.constant(Tensor<double>::from_shape({0}))).shape(), (Shape{0, 3}));
}

TEST(EmbeddingOp, BackwardAddsIntoTheLookedUpRowsOnly) {
  Parameter<double> table(Tensor<double>(Shape{6, 2}, 0.5), "E");
  Tape<double> tape;
  const Tensor<double> ids{4, 1, 4};
  tape.backward(embedding(tape.watch(table), tape.constant(ids)),
                Tensor<double>{{1, 2}, {3, 4}, {5, 6}});
  EXPECT_EQ(table.grad(), (Tensor<double>{{0, 0}, {3, 4}, {0, 0}, {0, 0}, {1 + 5, 2 + 6}, {0, 0}}));
  // A second backward accumulates: rows it does not look up keep what they
  // hold, bit for bit.
  table.grad()(0, 1) = 0.1;
  table.grad()(5, 0) = -7.25;
  tape.reset();
  tape.backward(embedding(tape.watch(table), tape.constant(Tensor<double>{1})),
                Tensor<double>{{10, 20}});
  EXPECT_EQ(table.grad(), (Tensor<double>{{0, 0.1}, {13, 24}, {0, 0}, {0, 0}, {6, 8}, {-7.25, 0}}));
}

TEST(EmbeddingOp, BackpropCostDoesNotGrowWithTheTable) {
  // O(ids × D), whatever V: the same cost for a table of 10 and of 100,000 rows.
  std::optional<OpCost> costs[2];
  const std::size_t rows[2] = {10, 100000};
  for (int k = 0; k < 2; ++k) {
    Tape<float> tape;
    const Var<float> w = tape.variable(Tensor<float>(Shape{rows[k], 8}, 0.0f));
    const Var<float> y = embedding(w, tape.constant(Tensor<float>{1, 2, 3}));
    costs[k] = tape.cost(y.id());
    ASSERT_TRUE(costs[k]);
  }
  EXPECT_EQ(costs[0]->backprop_bytes, costs[1]->backprop_bytes);
  EXPECT_EQ(costs[0]->backprop_flops, 24u);                // 3 ids × 8
  EXPECT_EQ(costs[0]->backprop_bytes, (3 + 3 * 24) * 4u);  // ids, g, the rows read and written
  EXPECT_EQ(costs[1]->forward_bytes, (3 + 2 * 24) * 4u);
}

TEST(EmbeddingBackwardOp, AddsRowsIntoZeros) {
  Tape<double> tape;
  const Var<double> g = tape.variable(Tensor<double>{{1, 2}, {3, 4}, {5, 6}});
  const Var<double> ids = tape.constant(Tensor<double>{2, 0, 2});
  const Var<double> y = embedding_backward(g, ids, 4);
  EXPECT_EQ(y.value(), (Tensor<double>{{3, 4}, {0, 0}, {6, 8}, {0, 0}}));
  tape.backward(y, iota({4, 2}));  // its gradient is embedding
  EXPECT_EQ(g.grad(), (Tensor<double>{{4, 5}, {0, 1}, {4, 5}}));
}

TEST(EmbeddingOp, BadInputNamesOpShapesAndNode) {
  Tape<double> tape;
  const Var<double> w = tape.variable(iota({4, 3}), "E");
  const Var<double> big = tape.constant(Tensor<double>{1, 4});
  expect_op_error<ValueError>(tape, [&] { (void)embedding(w, big); }, "embedding",
                              {"id 4 at flat position 1 is not a whole number in [0, 4)",
                               "ids of shape (2,), weight of shape (4, 3)"});
  const Var<double> fractional = tape.constant(Tensor<double>{{0, 2.5}});
  expect_op_error<ValueError>(tape, [&] { (void)embedding(w, fractional); }, "embedding",
                              {"id 2.5 at flat position 1"});
  const Var<double> negative = tape.constant(Tensor<double>{-1});
  expect_op_error<ValueError>(tape, [&] { (void)embedding(w, negative); }, "embedding",
                              {"id -1 at flat position 0"});
  const Var<double> v = tape.variable(iota({4}));
  const Var<double> ok = tape.constant(Tensor<double>{1});
  expect_op_error<ShapeError>(tape, [&] { (void)embedding(v, ok); }, "embedding",
                              {"ids of shape (1,), weight of shape (4,)", "must be a matrix"});
  const Var<double> empty = tape.variable(Tensor<double>::from_shape({0, 3}));
  expect_op_error<ValueError>(tape, [&] { (void)embedding(empty, ok); }, "embedding",
                              {"id 1 at flat position 0 is not a whole number in [0, 0)"});
}

TEST(EmbeddingBackwardOp, BadInputNamesOpShapesAndNode) {
  Tape<double> tape;
  const Var<double> g = tape.variable(iota({3, 2}));
  const Var<double> ids = tape.constant(Tensor<double>{2, 0, 2});
  expect_op_error<ValueError>(tape, [&] { (void)embedding_backward(g, ids, 2); },
                              "embedding_backward",
                              {"id 2 at flat position 0 is not a whole number in [0, 2)",
                               "g of shape (3, 2), ids of shape (3,)"});
  const Var<double> short_ids = tape.constant(Tensor<double>{1, 0});
  expect_op_error<ShapeError>(tape, [&] { (void)embedding_backward(g, short_ids, 4); },
                              "embedding_backward",
                              {"g of shape (3, 2), ids of shape (2,)", "one more axis"});
}

}  // namespace
}  // namespace tapegrad
