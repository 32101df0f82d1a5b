#include <gtest/gtest.h>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::random_tensor;

/// x · Wᵀ (+ b) by a hand loop; x is (batch, in) or (in,).
Tensor<double> linear_reference(const Tensor<double>& x, const Tensor<double>& w,
                                const Tensor<double>* b) {
  const std::size_t batch = x.dimension() == 2 ? x.shape()[0] : 1;
  const std::size_t in = x.shape().back(), out = w.shape()[0];
  Tensor<double> y =
      Tensor<double>::from_shape(x.dimension() == 2 ? Shape{batch, out} : Shape{out});
  for (std::size_t r = 0; r < batch; ++r) {
    for (std::size_t o = 0; o < out; ++o) {
      double total = b ? b->data()[o] : 0.0;
      for (std::size_t i = 0; i < in; ++i)
        total += x.data()[r * in + i] * w(o, i);
      y.data()[r * out + o] = total;
    }
  }
  return y;
}

struct LinearShapes {
  Shape x;
  std::size_t out;
};

const std::vector<LinearShapes>& linear_shapes() {
  static const std::vector<LinearShapes> shapes = {
      {{4, 3}, 5}, {{1, 1}, 1}, {{1, 3}, 2}, {{4, 1}, 3}, {{3, 2}, 1}, {{3}, 4}, {{1}, 1}, {{2}, 1},
  };
  return shapes;
}

TEST(LinearOp, GradcheckWithAndWithoutBias) {
  std::uint64_t seed = 1;
  for (const auto& [xs, out] : linear_shapes()) {
    const Tensor<double> x = random_tensor(xs, seed++);
    const Tensor<double> w = random_tensor({out, xs.back()}, seed++);
    const Tensor<double> b = random_tensor({out}, seed++);
    TG_EXPECT_GRADCHECK(
        gradcheck(
            [](Tape<double>&, const std::vector<Var<double>>& in) { return linear(in[0], in[1]); },
            {x, w}),
        "linear x " << testing::str(xs) << " out " << out);
    TG_EXPECT_GRADCHECK(
        gradcheck([](Tape<double>&,
                     const std::vector<Var<double>>& in) { return linear(in[0], in[1], in[2]); },
                  {x, w, b}),
        "linear+bias x " << testing::str(xs) << " out " << out);
  }
  const Tensor<double> x = random_tensor({3, 4}, 90);
  const Tensor<double> w = random_tensor({2, 4}, 91);
  const Tensor<double> b = random_tensor({2}, 92);
  TG_EXPECT_GRADCHECK(gradcheck("linear", {x, w}), "linear by name");
  TG_EXPECT_GRADCHECK(gradcheck("linear", {x, w, b}), "linear+bias by name");
}

TEST(LinearOp, ForwardAgainstHandLoopAndMatmul) {
  std::uint64_t seed = 200;
  for (const auto& [xs, out] : linear_shapes()) {
    const Tensor<double> xv = random_tensor(xs, seed++);
    const Tensor<double> wv = random_tensor({out, xs.back()}, seed++);
    const Tensor<double> bv = random_tensor({out}, seed++);
    Tape<double> tape;
    const Var<double> x = tape.constant(xv), w = tape.constant(wv), b = tape.constant(bv);
    const std::string what = "linear x " + testing::str(xs);
    testing::expect_tensor_near(linear(x, w).value(), linear_reference(xv, wv, nullptr), 1e-14,
                                what);
    testing::expect_tensor_near(linear(x, w, b).value(), linear_reference(xv, wv, &bv), 1e-14,
                                what + " + b");
    // Copies: a later record may move the tape's nodes (see the bug note in
    // the report); a reference to an earlier node's value must not be held.
    const Tensor<double> fused = linear(x, w).value();
    const Tensor<double> composed = matmul(x, transpose(w)).value();
    testing::expect_tensor_near(fused, composed, 1e-14, what + " vs matmul");
  }
  Tape<double> tape;
  const Var<double> y = linear(tape.constant(Tensor<double>{{1.0, 2.0}}),
                               tape.constant(Tensor<double>{{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}}),
                               tape.constant(Tensor<double>{0.5, -0.5, 10.0}));
  EXPECT_EQ(y.value(), (Tensor<double>{{1.5, 1.5, 13.0}}));
}

TEST(LinearOp, GradientsClosedForm) {
  const Tensor<double> xv = random_tensor({3, 2}, 1);
  const Tensor<double> wv = random_tensor({4, 2}, 2);
  const Tensor<double> bv = random_tensor({4}, 3);
  const Tensor<double> g = random_tensor({3, 4}, 4);
  Tape<double> tape;
  const Var<double> x = tape.variable(xv), w = tape.variable(wv), b = tape.variable(bv);
  tape.backward(linear(x, w, b), g);
  for (std::size_t r = 0; r < 3; ++r) {  // ∂x = g W
    for (std::size_t i = 0; i < 2; ++i) {
      double expected = 0;
      for (std::size_t o = 0; o < 4; ++o)
        expected += g(r, o) * wv(o, i);
      EXPECT_NEAR(x.grad()(r, i), expected, 1e-14);
    }
  }
  for (std::size_t o = 0; o < 4; ++o) {
    for (std::size_t i = 0; i < 2; ++i) {  // ∂W = gᵀ x
      double expected = 0;
      for (std::size_t r = 0; r < 3; ++r)
        expected += g(r, o) * xv(r, i);
      EXPECT_NEAR(w.grad()(o, i), expected, 1e-14);
    }
    double expected_b = 0;  // ∂b = Σ_rows g
    for (std::size_t r = 0; r < 3; ++r)
      expected_b += g(r, o);
    EXPECT_NEAR(b.grad()(o), expected_b, 1e-14);
  }
}

TEST(LinearOp, ShapeErrors) {
  Tape<double> tape;
  const Var<double> x = tape.variable(random_tensor({4, 3}, 1));
  const Var<double> w = tape.variable(random_tensor({5, 3}, 2));
  const Var<double> bad_w = tape.variable(random_tensor({5, 2}, 3));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)linear(x, bad_w); }, "linear",
                                       {"(4, 3)", "(5, 2)"});
  const Var<double> bad_b = tape.variable(random_tensor({4}, 4));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)linear(x, w, bad_b); }, "linear",
                                       {"bias", "(4,)", "(5,)", "(5, 3)"});
  const Var<double> matrix_b = tape.variable(random_tensor({1, 5}, 5));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)linear(x, w, matrix_b); }, "linear",
                                       {"(1, 5)", "(5,)"});
  const Var<double> vector_w = tape.variable(random_tensor({3}, 6));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)linear(x, vector_w); }, "linear",
                                       {"(3,)", "W"});
  const Var<double> scalar = tape.variable(random_tensor({}, 7));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)linear(scalar, w); }, "linear", {"()"});
  const Var<double> cube = tape.variable(random_tensor({2, 2, 2}, 8));
  testing::expect_op_error<ShapeError>(tape, [&] { (void)linear(cube, w); }, "linear",
                                       {"(2, 2, 2)", "(5, 3)"});
  testing::expect_op_error<ValueError>(tape, [&] { (void)tape.apply("linear", {x}); }, "linear",
                                       {"2 or 3 inputs", "got 1"});
}

}  // namespace
}  // namespace tapegrad
