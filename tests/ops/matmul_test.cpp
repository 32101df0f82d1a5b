#include <gtest/gtest.h>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

/// a · b by a hand loop, with numpy's vector conventions.
Tensor<double> matmul_reference(const Tensor<double>& a, const Tensor<double>& b) {
  const std::size_t m = a.dimension() == 2 ? a.shape()[0] : 1;
  const std::size_t k = a.shape().back();
  const std::size_t n = b.dimension() == 2 ? b.shape()[1] : 1;
  Shape shape;
  if (a.dimension() == 2)
    shape.push_back(m);
  if (b.dimension() == 2)
    shape.push_back(n);
  Tensor<double> out = Tensor<double>::from_shape(shape);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double total = 0;
      for (std::size_t p = 0; p < k; ++p)
        total += a.data()[i * k + p] * b.data()[p * n + j];
      out.data()[i * n + j] = total;
    }
  }
  return out;
}

const std::vector<std::pair<Shape, Shape>>& matmul_shapes() {
  static const std::vector<std::pair<Shape, Shape>> shapes = {
      {{2, 3}, {3, 4}}, {{1, 1}, {1, 1}}, {{1, 5}, {5, 1}}, {{4, 1}, {1, 3}}, {{1, 3}, {3, 2}},
      {{3, 2}, {2, 1}}, {{2, 3}, {3}},    {{3}, {3, 4}},    {{4}, {4}},       {{1}, {1}},
      {{1}, {1, 3}},    {{2, 1}, {1}},    {{5, 4}, {4, 6}},
  };
  return shapes;
}

TEST(MatmulOp, GradcheckOnAllOperandRanks) {
  std::uint64_t seed = 1;
  for (const auto& [sa, sb] : matmul_shapes()) {
    const Tensor<double> a = random_tensor(sa, seed++);
    const Tensor<double> b = random_tensor(sb, seed++);
    TG_EXPECT_GRADCHECK(
        testing::check_binary([](Var<double> x, Var<double> y) { return matmul(x, y); }, a, b),
        "matmul " << testing::str(sa) << " · " << testing::str(sb));
  }
  TG_EXPECT_GRADCHECK(gradcheck("matmul", {random_tensor({3, 2}, 50), random_tensor({2, 4}, 51)}),
                      "matmul by name");
}

TEST(MatmulOp, ForwardAgainstHandLoop) {
  std::uint64_t seed = 100;
  for (const auto& [sa, sb] : matmul_shapes()) {
    const Tensor<double> a = random_tensor(sa, seed++);
    const Tensor<double> b = random_tensor(sb, seed++);
    Tape<double> tape;
    const Var<double> y = matmul(tape.constant(a), tape.constant(b));
    testing::expect_tensor_near(y.value(), matmul_reference(a, b), 1e-14,
                                "matmul " + testing::str(sa) + " · " + testing::str(sb));
  }
  Tape<double> tape;
  const Var<double> dot = matmul(tape.constant(Tensor<double>{1.0, 2.0, 3.0}),
                                 tape.constant(Tensor<double>{4.0, 5.0, 6.0}));
  EXPECT_EQ(dot.rank(), 0u);
  EXPECT_EQ(dot.item(), 32.0);
  const Var<double> known = matmul(tape.constant(Tensor<double>{{1.0, 2.0}, {3.0, 4.0}}),
                                   tape.constant(Tensor<double>{{5.0, 6.0}, {7.0, 8.0}}));
  EXPECT_EQ(known.value(), (Tensor<double>{{19.0, 22.0}, {43.0, 50.0}}));
}

// Matrix-vector and outer products up to 2^16 elements run as the library's
// own SIMD loops (src/tensor/blas.cpp), which take rows and columns a SIMD
// width or a few at a time: these shapes put a row count and a row length
// below, at and past the float and double widths (16 and 8 under AVX-512),
// and reach both kernels' strided paths through the transposed operands of
// the backward pass.
const std::vector<std::pair<Shape, Shape>>& small_kernel_shapes() {
  static const std::vector<std::pair<Shape, Shape>> shapes = {
      {{15, 17}, {17}},     {{16, 16}, {16}},   {{17, 33}, {33}},  {{64, 64}, {64}},
      {{9, 100}, {100, 1}}, {{33}, {33, 20}},   {{100}, {100, 7}}, {{1, 40}, {40, 19}},
      {{18, 1}, {1, 35}},   {{65, 1}, {1, 16}}, {{7, 24}, {24}},   {{24, 7}, {7, 1}},
  };
  return shapes;
}

TEST(MatmulOp, SmallKernelsAgainstHandLoopAndGradcheck) {
  std::uint64_t seed = 300;
  for (const auto& [sa, sb] : small_kernel_shapes()) {
    const std::string what = "matmul " + testing::str(sa) + " · " + testing::str(sb);
    const Tensor<double> a = random_tensor(sa, seed++);
    const Tensor<double> b = random_tensor(sb, seed++);
    const Tensor<double> expected = matmul_reference(a, b);
    Tape<double> tape;
    testing::expect_tensor_near(matmul(tape.constant(a), tape.constant(b)).value(), expected, 1e-13,
                                what);
    Tape<float> tape32;
    const Var<float> y32 =
        matmul(tape32.constant(xt::cast<float>(a)), tape32.constant(xt::cast<float>(b)));
    testing::expect_tensor_near(Tensor<double>(xt::cast<double>(y32.value())), expected, 1e-5,
                                what + " in float");
    TG_EXPECT_GRADCHECK(
        testing::check_binary([](Var<double> x, Var<double> y) { return matmul(x, y); }, a, b),
        what);
  }
}

TEST(MatmulOp, GradientsAreGTimesBTransposeAndATransposeTimesG) {
  const Tensor<double> av = random_tensor({3, 2}, 1);
  const Tensor<double> bv = random_tensor({2, 4}, 2);
  const Tensor<double> g = random_tensor({3, 4}, 3);
  Tape<double> tape;
  const Var<double> a = tape.variable(av);
  const Var<double> b = tape.variable(bv);
  tape.backward(matmul(a, b), g);
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t p = 0; p < 2; ++p) {
      double expected = 0;
      for (std::size_t j = 0; j < 4; ++j)
        expected += g(i, j) * bv(p, j);
      EXPECT_NEAR(a.grad()(i, p), expected, 1e-14);
    }
  }
  for (std::size_t p = 0; p < 2; ++p) {
    for (std::size_t j = 0; j < 4; ++j) {
      double expected = 0;
      for (std::size_t i = 0; i < 3; ++i)
        expected += av(i, p) * g(i, j);
      EXPECT_NEAR(b.grad()(p, j), expected, 1e-14);
    }
  }
}

TEST(MatmulOp, SameOperandTwiceAccumulates) {
  const Tensor<double> av = random_tensor({3, 3}, 4);
  Tape<double> tape;
  const Var<double> a = tape.variable(av);
  tape.backward(sum(matmul(a, a)));
  // ∂ Σ (A A) / ∂A = 1 Aᵀ + Aᵀ 1
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t p = 0; p < 3; ++p) {
      double expected = 0;
      for (std::size_t j = 0; j < 3; ++j)
        expected += av(p, j) + av(j, i);
      EXPECT_NEAR(a.grad()(i, p), expected, 1e-14);
    }
  }
}

TEST(MatmulOp, ShapeErrors) {
  Tape<double> tape;
  const Var<double> a = tape.variable(random_tensor({2, 3}, 1));
  const Var<double> b = tape.variable(random_tensor({4, 5}, 2));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)matmul(a, b); }, "matmul",
                                       {"(2, 3)", "(4, 5)", "inner"});
  const Var<double> v = tape.variable(random_tensor({4}, 3));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)matmul(a, v); }, "matmul",
                                       {"(2, 3)", "(4,)"});
  testing::expect_op_error<ShapeError>(tape, [&] { (void)matmul(v, a); }, "matmul",
                                       {"(4,)", "(2, 3)"});
  const Var<double> scalar = tape.variable(random_tensor({}, 4));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)matmul(scalar, a); }, "matmul", {"()"});
  const Var<double> rank4 = tape.variable(random_tensor({2, 3, 3, 3}, 5));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)matmul(a, rank4); }, "matmul",
                                       {"(2, 3, 3, 3)"});
}

// Matrix-vector and outer products take our own kernels when small and
// OpenBLAS's GEMV/GER above 65536 matrix elements: check both sides.
TEST(MatmulOp, VectorProductsOnBothSidesOfTheOwnKernelThreshold) {
  for (std::size_t rows : {std::size_t{7}, std::size_t{300}}) {
    const std::size_t cols = rows == 7 ? 5 : 250;
    const Tensor<double> a = random_tensor({rows, cols}, 21);
    const Tensor<double> v = random_tensor({cols}, 22);
    const Tensor<double> u = random_tensor({rows}, 23);
    const Tensor<double> g = random_tensor({rows}, 24);
    Tape<double> tape;
    Var<double> av = tape.variable(a), vv = tape.variable(v), uv = tape.variable(u);
    Var<double> y = matmul(av, vv);  // gemv, no transpose
    Var<double> z = matmul(uv, av);  // gemv, transposed
    tape.backward(y, g);             // dA = g vᵀ (ger), dv = Aᵀ g (gemv)
    const Tensor<double> y_expected = matmul_reference(a, v);
    const Tensor<double> z_expected = matmul_reference(u, a);
    for (std::size_t i = 0; i < rows; ++i)
      EXPECT_NEAR(y.value()(i), y_expected(i), 1e-12);
    for (std::size_t j = 0; j < cols; ++j)
      EXPECT_NEAR(z.value()(j), z_expected(j), 1e-12);
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t j = 0; j < cols; ++j) {
        ASSERT_NEAR(av.grad()(i, j), g(i) * v(j), 1e-12)
            << rows << " rows, (" << i << ", " << j << ")";
      }
    }
    for (std::size_t j = 0; j < cols; ++j) {
      double expected = 0;
      for (std::size_t i = 0; i < rows; ++i)
        expected += a(i, j) * g(i);
      EXPECT_NEAR(vv.grad()(j), expected, 1e-12);
    }
  }
}

}  // namespace
}  // namespace tapegrad
