// The bad-input audit (README "What happens when…"): every misuse of the
// public API is a typed tapegrad::Error naming the op, the shapes and the
// node, and leaves the tape as it was; empty tensors behave as documented.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "ops/op_test_support.hpp"
#include "tapegrad/tapegrad.hpp"

namespace tapegrad {
namespace {

using testing::expect_op_error;
using testing::random_tensor;

// Mixing value types cannot compile: there is no op taking a Var<float> and a
// Var<double>, and no conversion between them.
template <class A, class B>
concept Addable = requires(A a, B b) {
  a + b;
};
template <class A, class B>
concept Multipliable = requires(A a, B b) {
  matmul(a, b);
};
static_assert(Addable<Var<float>, Var<float>>);
static_assert(!Addable<Var<float>, Var<double>>);
static_assert(!Multipliable<Var<double>, Var<float>>);
static_assert(!std::is_convertible_v<Var<float>, Var<double>>);

struct BinaryCase {
  std::string op;
  Shape a;
  Shape b;
  std::function<Var<double>(Var<double>, Var<double>)> f;
};

TEST(BadInput, EveryBinaryOpRefusesMismatchedShapes) {
  const std::vector<BinaryCase> cases = {
      {"add", {2, 3}, {4}, [](Var<double> a, Var<double> b) { return a + b; }},
      {"sub", {2, 3}, {3, 2}, [](Var<double> a, Var<double> b) { return a - b; }},
      {"mul", {2, 3}, {2}, [](Var<double> a, Var<double> b) { return a * b; }},
      {"div", {4}, {3}, [](Var<double> a, Var<double> b) { return a / b; }},
      {"matmul", {2, 3}, {2, 3}, [](Var<double> a, Var<double> b) { return matmul(a, b); }},
      {"matmul", {3}, {4}, [](Var<double> a, Var<double> b) { return matmul(a, b); }},
      {"linear", {2, 4}, {3, 2}, [](Var<double> a, Var<double> b) { return linear(a, b); }},
      {"linear_relu",
       {2, 4},
       {3, 2},
       [](Var<double> a, Var<double> b) { return linear_relu(a, b); }},
      {"mse", {2, 3}, {3}, [](Var<double> a, Var<double> b) { return mse(a, b); }},
      {"binary_cross_entropy",
       {2},
       {3},
       [](Var<double> a, Var<double> b) { return binary_cross_entropy(a, b); }},
  };
  for (const BinaryCase& c : cases) {
    SCOPED_TRACE(c.op + " " + shape_to_string(c.a) + " " + shape_to_string(c.b));
    Tape<double> tape;
    Var<double> a = tape.variable(random_tensor(c.a, 1));
    Var<double> b = tape.variable(random_tensor(c.b, 2));
    expect_op_error<ShapeError>(tape, [&] { (void)c.f(a, b); }, c.op,
                                {shape_to_string(c.a), shape_to_string(c.b)});
  }
}

TEST(BadInput, WrongRanksAreShapeErrors) {
  struct RankCase {
    std::string op;
    Shape shape;
    std::function<Var<double>(Tape<double>&, Var<double>)> f;
  };
  const std::vector<RankCase> cases = {
      {"softmax", {}, [](Tape<double>&, Var<double> x) { return softmax(x); }},
      {"log_softmax", {}, [](Tape<double>&, Var<double> x) { return log_softmax(x); }},
      {"matmul",
       {2, 2, 2, 2},
       [](Tape<double>& t, Var<double> x) {
         return matmul(x, t.variable(random_tensor({2, 2}, 3)));
       }},
      {"outer",
       {2, 2},
       [](Tape<double>& t, Var<double> x) { return outer(x, t.variable(random_tensor({2}, 3))); }},
      {"linear",
       {2},
       [](Tape<double>& t, Var<double> w) {
         return linear(t.variable(random_tensor({2, 2}, 3)), w);
       }},
      {"linear_relu",
       {2},
       [](Tape<double>& t, Var<double> w) {
         return linear_relu(t.variable(random_tensor({2, 2}, 3)), w);
       }},
  };
  for (const RankCase& c : cases) {
    SCOPED_TRACE(c.op);
    Tape<double> tape;
    Var<double> x = tape.variable(random_tensor(c.shape, 1));
    // The op's other operand is recorded first, so the failing node is the last.
    try {
      (void)c.f(tape, x);
      ADD_FAILURE() << c.op << " accepted shape " << shape_to_string(c.shape);
    } catch (const ShapeError& e) {
      EXPECT_EQ(e.op(), c.op) << e.what();
      EXPECT_TRUE(e.node().has_value()) << e.what();
      EXPECT_NE(std::string(e.what()).find(shape_to_string(c.shape)), std::string::npos)
          << e.what();
    }
  }
}

// Empty tensors (a dimension of size 0) are allowed wherever the result is
// defined: elementwise ops, sums (0), softmax rows, products (zeros), shape
// ops and summed losses (0). Means of nothing are ValueErrors.
TEST(BadInput, EmptyTensorsGiveEmptyOrZeroResults) {
  Tape<double> tape;
  Var<double> e = tape.variable(Tensor<double>::from_shape({0, 3}));
  Var<double> row = tape.variable(random_tensor({3}, 1));
  EXPECT_EQ(exp(e).shape(), (Shape{0, 3}));
  EXPECT_EQ((e + row).shape(), (Shape{0, 3}));
  EXPECT_EQ(softmax(e).shape(), (Shape{0, 3}));
  EXPECT_EQ(log_softmax(e).shape(), (Shape{0, 3}));
  EXPECT_EQ(transpose(e).shape(), (Shape{3, 0}));
  EXPECT_EQ(reshape(e, Shape{3, 0}).shape(), (Shape{3, 0}));
  EXPECT_EQ(sum(e, 1).shape(), (Shape{0}));
  EXPECT_EQ(mean(e, 1).shape(), (Shape{0}));  // a mean over each of no rows
  Var<double> column_sums = sum(e, 0);
  EXPECT_EQ(column_sums.value(), (Tensor<double>{0.0, 0.0, 0.0}));
  EXPECT_EQ(sum_to(e, Shape{3}).value(), (Tensor<double>{0.0, 0.0, 0.0}));
  Var<double> w = tape.variable(random_tensor({2, 3}, 2));
  EXPECT_EQ(linear(e, w).shape(), (Shape{0, 2}));
  EXPECT_EQ(linear_relu(e, w).shape(), (Shape{0, 2}));
  // (2, 0)·(0, 3): an empty inner dimension gives zeros.
  Var<double> p = matmul(tape.variable(Tensor<double>::from_shape({2, 0})),
                         tape.variable(Tensor<double>::from_shape({0, 3})));
  EXPECT_EQ(p.value(), Tensor<double>(xt::zeros<double>({2, 3})));
  Var<double> total = sum(e * row) + sum(p) + sum(row);
  EXPECT_EQ(total.item(), sum(row).item());
  tape.backward(total);
  EXPECT_EQ(e.grad().shape(), (Shape{0, 3}));
  EXPECT_EQ(row.grad(), (Tensor<double>{1.0, 1.0, 1.0}));
  // Summed losses over an empty batch are 0.
  Var<double> none = tape.constant(Tensor<double>::from_shape({0}));
  EXPECT_EQ(mse(e, tape.constant(Tensor<double>::from_shape({0, 3}))).item(), 0.0);
  EXPECT_EQ(cross_entropy(e, none, Reduction::sum).item(), 0.0);
  EXPECT_EQ(
      binary_cross_entropy(tape.variable(Tensor<double>::from_shape({0})), none, Reduction::sum)
          .item(),
      0.0);
}

TEST(BadInput, MeansOfNothingAreValueErrors) {
  Tape<double> tape;
  Var<double> e = tape.variable(Tensor<double>::from_shape({0, 3}));
  Var<double> none = tape.constant(Tensor<double>::from_shape({0}));
  expect_op_error<ValueError>(tape, [&] { (void)mean(e); }, "mean", {"(0, 3)"});
  expect_op_error<ValueError>(tape, [&] { (void)mean(e, 0); }, "mean", {"(0, 3)"});
  Var<double> empty_target = tape.constant(Tensor<double>::from_shape({0, 3}));
  expect_op_error<ValueError>(tape, [&] { (void)mse(e, empty_target, Reduction::mean); }, "mse",
                              {"empty batch"});
  expect_op_error<ValueError>(tape, [&] { (void)cross_entropy(e, none); }, "cross_entropy",
                              {"empty batch"});
  Var<double> logits = tape.variable(Tensor<double>::from_shape({0}));
  expect_op_error<ValueError>(tape, [&] { (void)binary_cross_entropy(logits, none); },
                              "binary_cross_entropy", {"empty batch"});
  // Logits with no classes cannot take any label.
  Var<double> no_classes = tape.variable(Tensor<double>::from_shape({2, 0}));
  Var<double> labels = tape.constant(Tensor<double>{0.0, 0.0});
  expect_op_error<ValueError>(tape, [&] { (void)cross_entropy(no_classes, labels); },
                              "cross_entropy", {"[0, 0)"});
}

TEST(BadInput, GradcheckRefusesChecksThatCheckNothing) {
  const GradcheckFunction f = [](Tape<double>&, const std::vector<Var<double>>& in) {
    return sum(exp(in.at(0)));
  };
  auto expect_value_error = [&](const std::vector<Tensor<double>>& inputs,
                                const GradcheckOptions& options, const std::string& fragment) {
    try {
      (void)gradcheck(f, inputs, options);
      ADD_FAILURE() << "gradcheck accepted " << fragment;
    } catch (const ValueError& e) {
      EXPECT_EQ(e.op(), "gradcheck");
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  const std::vector<Tensor<double>> x = {Tensor<double>{1.0, 2.0}};
  expect_value_error({}, {}, "at least one input");
  GradcheckOptions zero_step;
  zero_step.eps = 0;
  expect_value_error(x, zero_step, "eps must be a finite step > 0, got 0");
  GradcheckOptions nan_step;
  nan_step.eps = std::nan("");
  expect_value_error(x, nan_step, "eps must be");
  GradcheckOptions negative_tolerance;
  negative_tolerance.rtol = -1;
  expect_value_error(x, negative_tolerance, "rtol -1");
  try {
    (void)gradgradcheck(f, {}, {});
    ADD_FAILURE() << "gradgradcheck accepted no inputs";
  } catch (const ValueError& e) {
    EXPECT_EQ(e.op(), "gradgradcheck");
  }
  EXPECT_TRUE(gradcheck(f, x).ok);  // the valid call still works
}

TEST(BadInput, AnomalyModeStopsAtANonFiniteInputOfAnyOp) {
  Tape<double> tape;
  tape.set_detect_anomaly(true);
  Var<double> x = tape.variable(Tensor<double>{1.0, std::numeric_limits<double>::infinity()}, "x");
  try {
    (void)exp(x);
    FAIL() << "anomaly mode let an Inf input through";
  } catch (const AnomalyError& e) {
    EXPECT_EQ(e.op(), "exp");
    EXPECT_NE(std::string(e.what()).find("x"), std::string::npos) << e.what();
  }
  Var<double> n = tape.variable(Tensor<double>{std::nan(""), 1.0}, "n");
  EXPECT_THROW((void)sum(n), AnomalyError);
}

TEST(BadInput, VarOfAResetTapeInEveryKindOfCall) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> y = sum(x);
  tape.reset();
  EXPECT_THROW((void)x.value(), StaleVarError);
  EXPECT_THROW((void)exp(x), StaleVarError);
  EXPECT_THROW(tape.backward(y), StaleVarError);
  EXPECT_THROW((void)tape.gradient(y, {x}), StaleVarError);
  EXPECT_THROW((void)y.item(), StaleVarError);
}

TEST(BadInput, GradientWithRespectToANodeOffThePathIsZeros) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>{1.0, 2.0});
  Var<double> unused = tape.variable(Tensor<double>{{1.0, 2.0}, {3.0, 4.0}});
  Var<double> y = sum(square(x));
  const std::vector<Var<double>> g = tape.gradient(y, {x, unused});
  EXPECT_EQ(g[0].value(), (Tensor<double>{2.0, 4.0}));
  EXPECT_EQ(g[1].value(), Tensor<double>(xt::zeros<double>({2, 2})));
  tape.backward(y);
  EXPECT_EQ(unused.grad(), Tensor<double>(xt::zeros<double>({2, 2})));
  EXPECT_FALSE(tape.has_grad(unused));
}

}  // namespace
}  // namespace tapegrad
