// matmul over a leading batch axis and with transpose flags: values and
// gradients against per-batch matrix products and materialised transposes,
// the weight gradient of (B, m, k)·(k, n) against the per-batch sum, empty
// batches, costs, and every shape error naming op, shapes and node.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::expect_op_error;
using testing::random_tensor;
using V = Var<double>;

/// Batch entry b of a rank-3 tensor, as a matrix (a copy).
Tensor<double> entry(const Tensor<double>& x, std::size_t b) {
  const std::size_t rows = x.shape()[1], cols = x.shape()[2];
  Tensor<double> out = xt::zeros<double>({rows, cols});
  std::copy_n(x.data() + b * rows * cols, rows * cols, out.data());
  return out;
}

/// The matrix xᵀ, copied element by element.
Tensor<double> transposed(const Tensor<double>& x) {
  const std::size_t rows = x.shape()[0], cols = x.shape()[1];
  Tensor<double> out = xt::zeros<double>({cols, rows});
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j)
      out(j, i) = x(i, j);
  }
  return out;
}

void expect_equal_entry(const Tensor<double>& batch, std::size_t b, const Tensor<double>& matrix,
                        const std::string& what) {
  testing::expect_tensor_equal(entry(batch, b), matrix, what + " entry " + std::to_string(b));
}

TEST(BatchedMatmul, Rank3TimesRank3IsThePerBatchProductsBitForBit) {
  const Tensor<double> a = random_tensor({4, 3, 5}, 1);
  const Tensor<double> b = random_tensor({4, 5, 2}, 2);
  const Tensor<double> seed = random_tensor({4, 3, 2}, 3);
  Tape<double> tape;
  const V av = tape.variable(a), bv = tape.variable(b);
  const V y = matmul(av, bv);
  ASSERT_EQ(y.shape(), (Shape{4, 3, 2}));
  tape.backward(y, seed);
  for (std::size_t k = 0; k < 4; ++k) {
    Tape<double> single;
    const V ak = single.variable(entry(a, k)), bk = single.variable(entry(b, k));
    const V yk = matmul(ak, bk);
    single.backward(yk, entry(seed, k));
    expect_equal_entry(y.value(), k, yk.value(), "y");
    expect_equal_entry(av.grad(), k, ak.grad(), "∂a");
    expect_equal_entry(bv.grad(), k, bk.grad(), "∂b");
  }
}

TEST(BatchedMatmul, MatrixTimesRank3IsThePerBatchProductsAndTheWeightGradientTheirSum) {
  const Tensor<double> a = random_tensor({3, 5}, 4);
  const Tensor<double> b = random_tensor({2, 5, 4}, 5);
  const Tensor<double> seed = random_tensor({2, 3, 4}, 6);
  Tape<double> tape;
  const V av = tape.variable(a), bv = tape.variable(b);
  const V y = matmul(av, bv);
  tape.backward(y, seed);
  Tensor<double> a_grad = xt::zeros<double>({3, 5});
  for (std::size_t k = 0; k < 2; ++k) {
    Tape<double> single;
    const V ak = single.variable(a), bk = single.variable(entry(b, k));
    const V yk = matmul(ak, bk);
    single.backward(yk, entry(seed, k));
    expect_equal_entry(y.value(), k, yk.value(), "y");
    expect_equal_entry(bv.grad(), k, bk.grad(), "∂b");
    a_grad += ak.grad();
  }
  testing::expect_tensor_near(av.grad(), a_grad, 1e-14, "∂a = Σ_b g_b · b_bᵀ");
}

TEST(BatchedMatmul, Rank3TimesMatrixIsOneProductOverTheRows) {
  // (B, m, k)·(k, n) is (B·m, k)·(k, n): the same numbers as one matrix product.
  const Tensor<double> x = random_tensor({3, 4, 6}, 7);
  const Tensor<double> w = random_tensor({6, 5}, 8);
  const Tensor<double> seed = random_tensor({3, 4, 5}, 9);
  Tape<double> tape;
  const V xv = tape.variable(x), wv = tape.variable(w);
  const V y = matmul(xv, wv);
  ASSERT_EQ(y.shape(), (Shape{3, 4, 5}));
  tape.backward(y, seed);

  Tape<double> flat;
  const auto rows = [](Tensor<double> t, std::size_t cols) {
    t.reshape({t.size() / cols, cols});
    return t;
  };
  const V xf = flat.variable(rows(x, 6)), wf = flat.variable(w);
  const V yf = matmul(xf, wf);
  flat.backward(yf, rows(seed, 5));
  testing::expect_tensor_equal(rows(y.value(), 5), yf.value(), "y");
  testing::expect_tensor_equal(rows(xv.grad(), 6), xf.grad(), "∂x");
  testing::expect_tensor_equal(wv.grad(), wf.grad(), "∂W");

  // And the per-batch products, to rounding (one GEMM may block differently).
  Tensor<double> w_grad = xt::zeros<double>({6, 5});
  for (std::size_t k = 0; k < 3; ++k) {
    Tape<double> single;
    const V xk = single.variable(entry(x, k)), wk = single.variable(w);
    const V yk = matmul(xk, wk);
    single.backward(yk, entry(seed, k));
    testing::expect_tensor_near(entry(y.value(), k), yk.value(), 1e-14, "y entry");
    testing::expect_tensor_near(entry(xv.grad(), k), xk.grad(), 1e-14, "∂x entry");
    w_grad += wk.grad();
  }
  testing::expect_tensor_near(wv.grad(), w_grad, 1e-13, "∂W = Σ_b x_bᵀ g_b");
}

TEST(BatchedMatmul, TransposeFlagsEqualMaterialisedTransposes) {
  struct Case {
    Shape a, b;
    Transpose flags;
  };
  const std::vector<Case> cases = {
      {{3, 4}, {5, 4}, Transpose::b},       {{4, 3}, {4, 5}, Transpose::a},
      {{4, 3}, {5, 4}, Transpose::both},    {{2, 3, 4}, {2, 5, 4}, Transpose::b},
      {{2, 4, 3}, {2, 4, 5}, Transpose::a}, {{2, 4, 3}, {2, 5, 4}, Transpose::both},
      {{2, 3, 4}, {5, 4}, Transpose::b},    {{2, 4, 3}, {4, 5}, Transpose::a},
      {{4, 3}, {2, 4, 5}, Transpose::a},    {{3, 4}, {2, 5, 4}, Transpose::b},
  };
  std::uint64_t seed = 20;
  for (const Case& c : cases) {
    const bool ta = c.flags == Transpose::a || c.flags == Transpose::both;
    const bool tb = c.flags == Transpose::b || c.flags == Transpose::both;
    const Tensor<double> a = random_tensor(c.a, seed++);
    const Tensor<double> b = random_tensor(c.b, seed++);
    const std::string what =
        testing::str(c.a) + (ta ? "ᵀ" : "") + " · " + testing::str(c.b) + (tb ? "ᵀ" : "");
    Tape<double> tape;
    const V av = tape.variable(a), bv = tape.variable(b);
    const V y = matmul(av, bv, c.flags);
    EXPECT_EQ(tape.node(y.id()).op->attributes(),
              (Attributes{{"transpose_a", ta ? 1.0 : 0.0}, {"transpose_b", tb ? 1.0 : 0.0}}));
    const Tensor<double> g = random_tensor(y.shape(), seed++);
    tape.backward(y, g);
    // The same product of materialised transposes, entry by entry.
    const std::size_t batch = y.rank() == 3 ? y.shape()[0] : 1;
    for (std::size_t k = 0; k < batch; ++k) {
      const auto pick = [&](const Tensor<double>& x, bool t) {
        const Tensor<double> m = x.dimension() == 3 ? entry(x, k) : x;
        return t ? transposed(m) : m;
      };
      Tape<double> plain;
      const V ak = plain.variable(pick(a, ta)), bk = plain.variable(pick(b, tb));
      const V yk = matmul(ak, bk);
      const Tensor<double> gk = y.rank() == 3 ? entry(g, k) : g;
      plain.backward(yk, gk);
      testing::expect_tensor_near(y.rank() == 3 ? entry(y.value(), k) : y.value(), yk.value(),
                                  1e-14, what + " y");
      if (a.dimension() == 3) {
        testing::expect_tensor_near(entry(av.grad(), k), ta ? transposed(ak.grad()) : ak.grad(),
                                    1e-14, what + " ∂a");
      }
      if (b.dimension() == 3) {
        testing::expect_tensor_near(entry(bv.grad(), k), tb ? transposed(bk.grad()) : bk.grad(),
                                    1e-14, what + " ∂b");
      }
    }
    TG_EXPECT_GRADCHECK(
        gradcheck(
            [&](Tape<double>&, const std::vector<V>& in) { return matmul(in[0], in[1], c.flags); },
            {a, b}),
        what);
  }
}

TEST(BatchedMatmul, ByNameWithTransposeAttributes) {
  const Tensor<double> q = random_tensor({2, 3, 4}, 40);
  const Tensor<double> k = random_tensor({2, 5, 4}, 41);
  Tape<double> tape;
  const V y = tape.apply("matmul", {tape.constant(q), tape.constant(k)}, {{"transpose_b", 1}});
  ASSERT_EQ(y.shape(), (Shape{2, 3, 5}));
  for (std::size_t b = 0; b < 2; ++b) {
    for (std::size_t i = 0; i < 3; ++i) {
      for (std::size_t j = 0; j < 5; ++j) {
        double dot = 0;
        for (std::size_t p = 0; p < 4; ++p)
          dot += q(b, i, p) * k(b, j, p);
        EXPECT_NEAR(y.value()(b, i, j), dot, 1e-15);
      }
    }
  }
  TG_EXPECT_GRADCHECK(gradcheck("matmul", {q, k}, {{"transpose_b", 1}}), "q·kᵀ by name");
}

TEST(BatchedMatmul, EmptyBatchesAndInnerDimensions) {
  Tape<double> tape;
  const V a = tape.variable(Tensor<double>::from_shape({0, 3, 4}));
  const V b = tape.variable(Tensor<double>::from_shape({0, 4, 2}));
  const V w = tape.variable(random_tensor({4, 2}, 1));
  EXPECT_EQ(matmul(a, b).shape(), (Shape{0, 3, 2}));
  const V y = matmul(a, w);
  EXPECT_EQ(y.shape(), (Shape{0, 3, 2}));
  // A batch of products with an empty inner dimension gives zeros.
  const V c = tape.variable(Tensor<double>::from_shape({2, 3, 0}));
  const V d = tape.variable(Tensor<double>::from_shape({2, 0, 4}));
  const V zeros = matmul(c, d);
  EXPECT_EQ(zeros.value(), Tensor<double>(xt::zeros<double>({2, 3, 4})));
  tape.backward(sum(y) + sum(zeros) + sum(w));
  // W's gradient sums over no batch entries: only sum(w)'s ones.
  EXPECT_EQ(w.grad(), Tensor<double>(xt::ones<double>({4, 2})));
  EXPECT_EQ(a.grad().shape(), (Shape{0, 3, 4}));
  EXPECT_EQ(c.grad().shape(), (Shape{2, 3, 0}));
}

TEST(BatchedMatmul, CostCountsEveryBatchEntry) {
  Tape<double> tape;
  const V a = tape.variable(random_tensor({4, 3, 5}, 1));
  const V b = tape.variable(random_tensor({5, 2}, 2));
  (void)matmul(a, b, Transpose::none);
  const TapeStats stats = tape.stats();
  ASSERT_EQ(stats.by_op.size(), 1u);
  EXPECT_EQ(stats.by_op[0].cost.forward_flops, 2u * 4 * 3 * 5 * 2);
  EXPECT_EQ(stats.by_op[0].cost.backprop_flops, 2u * 2 * 4 * 3 * 5 * 2);
  EXPECT_EQ(stats.by_op[0].cost.forward_bytes, (60u + 10 + 24) * 8);
}

TEST(BatchedMatmul, ShapeErrorsNameTheShapesAndFlags) {
  Tape<double> tape;
  const V a = tape.variable(random_tensor({2, 3, 4}, 1));
  const V other_batch = tape.variable(random_tensor({3, 4, 5}, 2));
  expect_op_error<ShapeError>(tape, [&] { (void)matmul(a, other_batch); }, "matmul",
                              {"batch sizes differ", "(2, 3, 4)", "(3, 4, 5)"});
  const V bad_inner = tape.variable(random_tensor({2, 5, 5}, 3));
  expect_op_error<ShapeError>(tape, [&] { (void)matmul(a, bad_inner); }, "matmul",
                              {"inner dimensions differ", "(2, 3, 4)", "(2, 5, 5)"});
  const V w = tape.variable(random_tensor({5, 4}, 4));
  expect_op_error<ShapeError>(tape, [&] { (void)matmul(a, w); }, "matmul",
                              {"inner dimensions differ", "(2, 3, 4) · (5, 4)"});
  // With the flag the same operands fit; with the other flag they do not.
  EXPECT_EQ(matmul(a, w, Transpose::b).shape(), (Shape{2, 3, 5}));
  expect_op_error<ShapeError>(tape, [&] { (void)matmul(a, w, Transpose::a); }, "matmul",
                              {"inner dimensions differ", "(2, 3, 4)ᵀ · (5, 4)"});
  const V v = tape.variable(random_tensor({4}, 5));
  expect_op_error<ShapeError>(tape, [&] { (void)matmul(a, v); }, "matmul",
                              {"not a vector", "(2, 3, 4) · (4,)"});
  expect_op_error<ShapeError>(tape, [&] { (void)matmul(v, a); }, "matmul",
                              {"not a vector", "(4,) · (2, 3, 4)"});
  const V m = tape.variable(random_tensor({3, 4}, 6));
  expect_op_error<ShapeError>(tape, [&] { (void)matmul(v, m, Transpose::a); }, "matmul",
                              {"vector cannot be transposed", "(4,)ᵀ · (3, 4)"});
  const V rank4 = tape.variable(random_tensor({2, 2, 3, 4}, 7));
  expect_op_error<ShapeError>(tape, [&] { (void)matmul(rank4, a); }, "matmul",
                              {"(2, 2, 3, 4)", "batch of matrices"});
}

}  // namespace
}  // namespace tapegrad
