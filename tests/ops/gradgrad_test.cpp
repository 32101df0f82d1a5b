// Second derivatives of every built-in op: gradgradcheck (the recorded
// gradient against finite differences of it) on random shapes, including
// size-1 and broadcast cases. The table must cover every op the registry
// lists as a built-in.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "ops/op_test_support.hpp"

namespace tapegrad {
namespace {

using testing::away_from_zero;
using testing::random_tensor;
using testing::str;

using V = Var<double>;
using Inputs = std::vector<V>;

struct GradGradCase {
  std::string op;     ///< the registered op this case covers
  std::string label;  ///< shapes and variant, for messages
  std::vector<Tensor<double>> inputs;
  GradcheckFunction f;  ///< empty: gradgradcheck(op, inputs, attributes)
  Attributes attributes = {};
};

GradcheckFunction unary(std::function<V(V)> op) {
  return [op](Tape<double>&, const Inputs& in) { return op(in[0]); };
}

GradcheckFunction binary(std::function<V(V, V)> op) {
  return [op](Tape<double>&, const Inputs& in) { return op(in[0], in[1]); };
}

std::vector<GradGradCase> cases() {
  std::vector<GradGradCase> all;
  std::uint64_t seed = 1000;
  const auto rnd = [&](const Shape& shape, double low = -1, double high = 1) {
    return random_tensor(shape, seed++, low, high);
  };
  const auto away = [&](const Shape& shape, double low, double high) {
    return away_from_zero(shape, seed++, low, high);
  };

  // Broadcasting binary ops.
  const std::vector<std::pair<Shape, Shape>> pairs = {
      {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{4}, {3, 4}},    {{3, 1}, {1, 4}},
      {{}, {3, 4}},     {{3, 4}, {}},  {{1, 1}, {2, 3}}, {{1}, {5}},
  };
  const std::vector<std::pair<std::string, std::function<V(V, V)>>> binaries = {
      {"add", [](V a, V b) { return a + b; }},
      {"sub", [](V a, V b) { return a - b; }},
      {"mul", [](V a, V b) { return a * b; }},
      {"div", [](V a, V b) { return a / b; }},
  };
  for (const auto& [name, op] : binaries) {
    for (const auto& [sa, sb] : pairs) {
      Tensor<double> b = name == "div" ? away(sb, 0.5, 2.0) : rnd(sb);
      all.push_back({name, str(sa) + " with " + str(sb), {rnd(sa), b}, binary(op)});
    }
    all.push_back({name,
                   "by name (2, 3) with (3,)",
                   {rnd({2, 3}), name == "div" ? away({3}, 0.5, 2.0) : rnd({3})},
                   {}});
  }
  // The same input on both sides: the Hessian of x∘x has mixed terms.
  all.push_back({"mul", "x * x", {rnd({3, 2})}, unary([](V x) { return x * x; })});
  all.push_back({"div", "x / x²", {away({4}, 0.5, 2.0)}, unary([](V x) { return x / (x * x); })});

  // Elementwise unary ops on every elementwise shape.
  struct Unary {
    std::string name;
    std::function<V(V)> op;
    double low = -1, high = 1;
    bool both_signs = false;
  };
  const std::vector<Unary> unaries = {
      {"neg", [](V x) { return -x; }},
      {"scale", [](V x) { return scale(x, -2.5); }},
      {"shift", [](V x) { return shift(x, 0.75); }},
      {"exp", [](V x) { return exp(x); }},
      {"log", [](V x) { return log(x); }, 0.5, 2.0},
      {"sqrt", [](V x) { return sqrt(x); }, 0.5, 2.0},
      {"square", [](V x) { return square(x); }},
      {"sin", [](V x) { return sin(x); }, -3, 3},
      {"cos", [](V x) { return cos(x); }, -3, 3},
      {"abs", [](V x) { return abs(x); }, 0.1, 1.0, true},
      {"sigmoid", [](V x) { return sigmoid(x); }, -3, 3},
      {"tanh", [](V x) { return tanh(x); }, -2, 2},
      {"relu", [](V x) { return relu(x); }, 0.1, 1.0, true},
  };
  for (const Unary& u : unaries) {
    for (const Shape& shape : testing::elementwise_shapes()) {
      Tensor<double> x = u.both_signs ? away(shape, u.low, u.high) : rnd(shape, u.low, u.high);
      all.push_back({u.name, str(shape), {x}, unary(u.op)});
    }
  }
  // Ops used twice inside one function: both uses' second derivatives add up.
  all.push_back(
      {"exp", "exp(x)·sin(x)", {rnd({2, 3})}, unary([](V x) { return exp(x) * sin(x); })});
  for (const double exponent : {0.0, 1.0, 2.0, 3.0, 0.5, -1.5, 2.7}) {
    for (const Shape& shape : {Shape{}, Shape{4}, Shape{2, 3}}) {
      all.push_back({"pow",
                     "exponent " + std::to_string(exponent) + " " + str(shape),
                     {rnd(shape, 0.5, 2.0)},
                     unary([exponent](V x) { return pow(x, exponent); })});
    }
  }
  all.push_back({"pow", "by name, exponent 3", {rnd({2, 2}, 0.5, 2.0)}, {}, {{"exponent", 3.0}}});
  all.push_back({"pow", "integer exponent 3 on both signs", {rnd({5}, -2.0, 2.0)}, unary([](V x) {
                   return pow(x, 3.0);
                 })});

  // Softmax and log-softmax, rank 1 and 2.
  for (const std::string name : {"softmax", "log_softmax"}) {
    const auto op = name == "softmax" ? std::function<V(V)>([](V x) { return softmax(x); })
                                      : std::function<V(V)>([](V x) { return log_softmax(x); });
    for (const Shape& shape : {Shape{1}, Shape{5}, Shape{1, 4}, Shape{3, 4}, Shape{3, 1}})
      all.push_back({name, str(shape), {rnd(shape, -2, 2)}, unary(op)});
  }

  // matmul: all four rank combinations, and size-1 extents.
  const std::vector<std::pair<Shape, Shape>> matmul_shapes = {
      {{3, 4}, {4, 2}}, {{3, 4}, {4}},    {{4}, {4, 2}},    {{4}, {4}},
      {{1, 1}, {1, 1}}, {{1, 3}, {3, 1}}, {{2, 1}, {1, 3}}, {{1}, {1}},
  };
  for (const auto& [sa, sb] : matmul_shapes)
    all.push_back({"matmul", str(sa) + "·" + str(sb), {rnd(sa), rnd(sb)}, {}});
  all.push_back(
      {"matmul", "xᵀx", {rnd({3, 2})}, unary([](V x) { return matmul(transpose(x), x); })});

  all.push_back({"transpose", "(3, 4)", {rnd({3, 4})}, {}});
  all.push_back({"transpose", "(1, 4)", {rnd({1, 4})}, {}});
  all.push_back({"transpose", "inside x·xᵀ·x", {rnd({2, 3})}, unary([](V x) {
                   return matmul(matmul(x, transpose(x)), x);
                 })});
  all.push_back({"outer", "(3,) ⊗ (4,)", {rnd({3}), rnd({4})}, {}});
  all.push_back({"outer", "(1,) ⊗ (2,)", {rnd({1}), rnd({2})}, {}});
  all.push_back({"outer", "u ⊗ u", {rnd({3})}, unary([](V u) { return outer(u, u); })});

  // linear: with and without bias, matrix and rank-1 x.
  all.push_back({"linear", "x (5, 3), W (2, 3), b (2,)", {rnd({5, 3}), rnd({2, 3}), rnd({2})}, {}});
  all.push_back({"linear", "x (5, 3), W (2, 3)", {rnd({5, 3}), rnd({2, 3})}, {}});
  all.push_back({"linear", "x (3,), W (2, 3), b (2,)", {rnd({3}), rnd({2, 3}), rnd({2})}, {}});
  all.push_back({"linear", "x (3,), W (2, 3)", {rnd({3}), rnd({2, 3})}, {}});
  all.push_back({"linear", "x (1, 1), W (1, 1), b (1,)", {rnd({1, 1}), rnd({1, 1}), rnd({1})}, {}});
  all.push_back({"linear",
                 "tanh(linear) twice",
                 {rnd({4, 3}), rnd({2, 3}), rnd({2})},
                 [](Tape<double>&, const Inputs& in) {
                   return linear(tanh(linear(in[0], in[1], in[2])), transpose(in[1]));
                 }});

  // Reductions.
  for (const std::string name : {"sum", "mean"}) {
    const bool is_sum = name == "sum";
    all.push_back({name, "all (3, 4)", {rnd({3, 4})}, {}});
    all.push_back({name, "all (1,)", {rnd({1})}, {}});
    all.push_back({name, "all ()", {rnd({})}, {}});
    for (const int axis : {0, 1, -1}) {
      for (const bool keepdims : {false, true}) {
        all.push_back({name,
                       "(3, 4) axis " + std::to_string(axis) + (keepdims ? " keepdims" : ""),
                       {rnd({3, 4})},
                       unary([is_sum, axis, keepdims](V x) {
                         return is_sum ? sum(x, axis, keepdims) : mean(x, axis, keepdims);
                       })});
      }
    }
    all.push_back({name, "(5,) axis 0 keepdims", {rnd({5})}, unary([is_sum](V x) {
                     return is_sum ? sum(x, 0, true) : mean(x, 0, true);
                   })});
    all.push_back({name, "squared sum (a quadratic)", {rnd({2, 3})}, unary([is_sum](V x) {
                     const V s = is_sum ? sum(x, 1) : mean(x, -1);
                     return s * s;
                   })});
  }

  // Shape ops.
  const std::vector<std::pair<Shape, Shape>> sum_to_shapes = {
      {{3, 4}, {4}}, {{3, 4}, {3, 1}}, {{3, 4}, {1, 4}}, {{3, 4}, {}}, {{3, 4}, {3, 4}}, {{5}, {1}},
  };
  for (const auto& [from, to] : sum_to_shapes) {
    all.push_back({"sum_to", str(from) + " → " + str(to), {rnd(from)}, unary([to = to](V x) {
                     return square(sum_to(x, to));
                   })});
    all.push_back(
        {"broadcast_to", str(to) + " → " + str(from), {rnd(to)}, unary([from = from](V x) {
           return square(broadcast_to(x, from));
         })});
  }
  all.push_back({"reshape", "(3, 4) → (2, 6)", {rnd({3, 4})}, unary([](V x) {
                   return square(reshape(x, {2, 6}));
                 })});
  all.push_back({"reshape", "(6,) → (2, 3)", {rnd({6})}, unary([](V x) {
                   return exp(reshape(x, {2, 3}));
                 })});
  all.push_back(
      {"reshape", "(2, 3) → (6,)", {rnd({2, 3})}, unary([](V x) { return reshape(x, {6}); })});
  all.push_back(
      {"reshape", "(1, 1) → ()", {rnd({1, 1})}, unary([](V x) { return reshape(x, Shape{}); })});

  // Losses.
  for (const Reduction reduction : {Reduction::sum, Reduction::mean}) {
    const std::string r = reduction == Reduction::sum ? "sum" : "mean";
    for (const Shape& shape : {Shape{4}, Shape{3, 4}, Shape{1, 1}}) {
      all.push_back(
          {"mse", r + " " + str(shape), {rnd(shape), rnd(shape)}, binary([reduction](V y, V t) {
             return mse(y, t, reduction);
           })});
      all.push_back(
          {"binary_cross_entropy",
           r + " " + str(shape),
           {rnd(shape, -3, 3), rnd(shape, 0, 1)},
           binary([reduction](V x, V t) { return binary_cross_entropy(x, t, reduction); })});
    }
    all.push_back(
        {"cross_entropy",
         r + " (4, 3)",
         {rnd({4, 3}, -2, 2)},
         [reduction](Tape<double>& tape, const Inputs& in) {
           return cross_entropy(in[0], tape.constant(Tensor<double>{2, 0, 1, 2}), reduction);
         }});
    all.push_back({"cross_entropy",
                   r + " (5,) with one label",
                   {rnd({5}, -2, 2)},
                   [reduction](Tape<double>& tape, const Inputs& in) {
                     return cross_entropy(in[0], tape.constant(Tensor<double>{3}), reduction);
                   }});
    all.push_back({"cross_entropy",
                   r + " (1, 2)",
                   {rnd({1, 2}, -2, 2)},
                   [reduction](Tape<double>& tape, const Inputs& in) {
                     return cross_entropy(in[0], tape.constant(Tensor<double>{1}), reduction);
                   }});
  }
  return all;
}

TEST(GradGrad, EveryBuiltInOpHasCorrectSecondDerivatives) {
  const std::vector<GradGradCase> table = cases();
  std::set<std::string> covered;
  for (const GradGradCase& c : table) {
    covered.insert(c.op);
    const GradcheckResult result =
        c.f ? gradgradcheck(c.f, c.inputs) : gradgradcheck(c.op, c.inputs, c.attributes);
    EXPECT_TRUE(result.ok) << c.op << " " << c.label << ": " << result.report();
    EXPECT_GT(result.checked, 0u) << c.op << " " << c.label;
  }
  std::size_t builtins = 0;
  for (const OpInfo<double>& info : Registry<double>::global().entries()) {
    if (info.origin != "tapegrad")
      continue;
    ++builtins;
    EXPECT_TRUE(covered.count(info.name))
        << "no gradgrad case for built-in op '" << info.name << "'";
  }
  EXPECT_GE(builtins, 30u);
}

/// f's recorded gradient, projected on fixed directions: gradgradcheck of
/// this checks f's third derivatives.
GradcheckFunction recorded_gradient_of(GradcheckFunction f) {
  return [f](Tape<double>& tape, const Inputs& in) {
    const V y = f(tape, in);
    const V loss = y.size() == 1 ? y : sum(y * tape.constant(random_tensor(y.shape(), 5)));
    const std::vector<V> grads = tape.gradient(loss, in, {.create_graph = true});
    V total;
    for (std::size_t i = 0; i < grads.size(); ++i) {
      const V term = sum(grads[i] * tape.constant(random_tensor(grads[i].shape(), 6 + i)));
      total = total.valid() ? total + term : term;
    }
    return total;
  };
}

TEST(GradGrad, ThirdDerivativesOfSmoothOps) {
  // The recorded backprops are themselves differentiable: a differentiable
  // backprop made of ops with differentiable backprops goes to any order.
  std::size_t checked = 0;
  for (const GradGradCase& c : cases()) {
    if (c.op == "relu" || c.op == "abs" || !c.f)
      continue;  // piecewise linear (third derivative 0 both ways), or by name
    const GradcheckResult result = gradgradcheck(recorded_gradient_of(c.f), c.inputs);
    EXPECT_TRUE(result.ok) << c.op << " " << c.label << ": " << result.report();
    ++checked;
  }
  EXPECT_GT(checked, 100u);
}

/// y = x², with a right backprop (2x·g) and a differentiable backprop that
/// is right in value but records 2x as a constant: its second derivative
/// comes out 0 instead of 2.
class SquareWithConstantSlope final : public Operation<double> {
 public:
  std::string_view name() const override { return "test_square_constant_slope"; }
  int arity() const override { return 1; }
  void forward(ForwardContext<double>& ctx) const override {
    const Tensor<double>& x = ctx.input(0);
    xt::noalias(ctx.output(x.shape())) = x * x;
  }
  void backprop(BackpropContext<double>& ctx) const override {
    if (ctx.needs_grad(0))
      ctx.accumulate(0, 2.0 * ctx.input(0) * ctx.grad_output());
  }
  void differentiable_backprop(DifferentiableBackpropContext<double>& ctx) const override {
    const V slope = ctx.tape().constant(2.0 * ctx.input(0).value());
    if (ctx.needs_grad(0))
      ctx.accumulate(0, slope * ctx.grad_output());
  }
};

TEST(GradGrad, DetectsAWrongSecondDerivative) {
  const GradcheckFunction f = [](Tape<double>& tape, const Inputs& in) {
    return tape.apply<SquareWithConstantSlope>({in[0]});
  };
  const std::vector<Tensor<double>> inputs = {random_tensor({2, 3}, 77)};
  const GradcheckResult first = gradcheck(f, inputs);
  EXPECT_TRUE(first.ok) << first.report();
  const GradcheckResult second = gradgradcheck(f, inputs);
  EXPECT_FALSE(second.ok) << second.report();
  EXPECT_GT(second.abs_error, 0.1) << second.report();
}

}  // namespace
}  // namespace tapegrad
