// The rows of the op table (op_cases.hpp): random shapes including size-1,
// rank-0 and broadcast cases, inputs kept inside each op's domain and away
// from its kinks, and each op also inside bigger expressions (used twice,
// under a square) where its second derivatives add up with others'.
#include "ops/op_cases.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

#include "support/random.hpp"

namespace tapegrad::testing {
namespace {

template <class T>
using V = Var<T>;

template <class T>
CaseFunction<T> unary(std::function<V<T>(V<T>)> op) {
  return [op](Tape<T>&, const std::vector<V<T>>& in) { return op(in[0]); };
}

template <class T>
CaseFunction<T> binary(std::function<V<T>(V<T>, V<T>)> op) {
  return [op](Tape<T>&, const std::vector<V<T>>& in) { return op(in[0], in[1]); };
}

std::string str(const Shape& shape) {
  return shape_to_string(shape);
}

/// The attributes of a shape-carrying op (sum_to, broadcast_to, reshape).
Attributes shape_attributes(const Shape& shape) {
  Attributes a;
  a.set("rank", static_cast<double>(shape.size()));
  for (std::size_t k = 0; k < shape.size(); ++k) {
    std::string name = "d";  // appended: GCC 12 warns falsely on "d" + …, PR105329
    name += std::to_string(k);
    a.set(name, static_cast<double>(shape[k]));
  }
  return a;
}

Attributes reduction_attributes(Reduction reduction) {
  return {{"mean", reduction == Reduction::mean ? 1.0 : 0.0}};
}

/// The shapes every elementwise op is checked on: rank 0, rank 1, 1×1, 1×n,
/// n×1, a general matrix, and a size-1 vector.
std::vector<Shape> elementwise_shapes() {
  return {Shape{}, Shape{1}, Shape{5}, Shape{1, 1}, Shape{1, 4}, Shape{4, 1}, Shape{3, 4}};
}

template <class T>
class Table {
 public:
  std::vector<OpCase<T>> rows;

  /// Inputs of `shape` uniform in [low, high).
  Tensor<T> rnd(const Shape& shape, double low = -1, double high = 1) {
    return random_tensor<T>(shape, seed_++, T(low), T(high));
  }
  /// Inputs of `shape` in −[low, high) ∪ [low, high), for values that must
  /// stay away from 0.
  Tensor<T> away(const Shape& shape, double low, double high) {
    Tensor<T> t = rnd(shape, low, high);
    const Tensor<T> sign = rnd(shape);
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (sign.data()[i] < 0)
        t.data()[i] = -t.data()[i];
    }
    return t;
  }

  /// f is one call of `op` with these attributes.
  void call(std::string op, std::string label, std::vector<Tensor<T>> inputs, CaseFunction<T> f,
            Attributes attributes = {}, std::vector<Tensor<T>> constants = {}) {
    rows.push_back({std::move(op), std::move(label), std::move(inputs), std::move(f),
                    std::move(attributes), std::move(constants)});
  }
  /// f uses `op` inside a bigger expression.
  void expression(std::string op, std::string label, std::vector<Tensor<T>> inputs,
                  CaseFunction<T> f) {
    rows.push_back(
        {std::move(op), std::move(label), std::move(inputs), std::move(f), std::nullopt, {}});
  }

 private:
  std::uint64_t seed_ = 1000;
};

template <class T>
void binary_rows(Table<T>& t) {
  const std::vector<std::pair<Shape, Shape>> pairs = {
      {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{4}, {3, 4}},    {{3, 1}, {1, 4}},
      {{}, {3, 4}},     {{3, 4}, {}},  {{1, 1}, {2, 3}}, {{1}, {5}},
  };
  const std::vector<std::pair<std::string, std::function<V<T>(V<T>, V<T>)>>> binaries = {
      {"add", [](V<T> a, V<T> b) { return add(a, b); }},
      {"sub", [](V<T> a, V<T> b) { return sub(a, b); }},
      {"mul", [](V<T> a, V<T> b) { return mul(a, b); }},
      {"div", [](V<T> a, V<T> b) { return div(a, b); }},
  };
  for (const auto& [name, op] : binaries) {
    for (const auto& [sa, sb] : pairs) {
      Tensor<T> a = t.rnd(sa);
      Tensor<T> b = name == "div" ? t.away(sb, 0.5, 2.0) : t.rnd(sb);
      t.call(name, str(sa) + " with " + str(sb), {a, b}, binary<T>(op));
    }
  }
  // The same input on both sides: the Hessian of x∘x has mixed terms.
  t.expression("mul", "x * x", {t.rnd({3, 2})}, unary<T>([](V<T> x) { return x * x; }));
  t.expression("div", "x / x²", {t.away({4}, 0.5, 2.0)},
               unary<T>([](V<T> x) { return x / (x * x); }));
}

template <class T>
void unary_rows(Table<T>& t) {
  struct Unary {
    std::string name;
    std::function<V<T>(V<T>)> op;
    Attributes attributes = {};
    double low = -1, high = 1;
    bool both_signs = false;  ///< inputs in ±[low, high): away from a kink at 0
  };
  const std::vector<Unary> unaries = {
      {"neg", [](V<T> x) { return neg(x); }},
      {"scale", [](V<T> x) { return scale(x, T(-2.5)); }, {{"factor", -2.5}}},
      {"shift", [](V<T> x) { return shift(x, T(0.75)); }, {{"offset", 0.75}}},
      {"exp", [](V<T> x) { return exp(x); }},
      {"log", [](V<T> x) { return log(x); }, {}, 0.5, 2.0},
      {"sqrt", [](V<T> x) { return sqrt(x); }, {}, 0.5, 2.0},
      {"square", [](V<T> x) { return square(x); }},
      {"sin", [](V<T> x) { return sin(x); }, {}, -3, 3},
      {"cos", [](V<T> x) { return cos(x); }, {}, -3, 3},
      {"abs", [](V<T> x) { return abs(x); }, {}, 0.1, 1.0, true},
      {"sigmoid", [](V<T> x) { return sigmoid(x); }, {}, -3, 3},
      {"tanh", [](V<T> x) { return tanh(x); }, {}, -2, 2},
      {"relu", [](V<T> x) { return relu(x); }, {}, 0.1, 1.0, true},
  };
  for (const Unary& u : unaries) {
    for (const Shape& shape : elementwise_shapes()) {
      Tensor<T> x = u.both_signs ? t.away(shape, u.low, u.high) : t.rnd(shape, u.low, u.high);
      t.call(u.name, str(shape), {x}, unary<T>(u.op), u.attributes);
    }
  }
  // Ops used twice inside one function: both uses' second derivatives add up.
  t.expression("exp", "exp(x)·sin(x)", {t.rnd({2, 3})},
               unary<T>([](V<T> x) { return exp(x) * sin(x); }));
  for (const double exponent : {0.0, 1.0, 2.0, 3.0, 0.5, -1.5, 2.7}) {
    // The exponent as T holds it (2.7 is not a float).
    const double p = static_cast<double>(static_cast<T>(exponent));
    for (const Shape& shape : {Shape{}, Shape{4}, Shape{2, 3}}) {
      t.call("pow", "exponent " + std::to_string(exponent) + " " + str(shape),
             {t.rnd(shape, 0.5, 2.0)}, unary<T>([p](V<T> x) { return pow(x, T(p)); }),
             {{"exponent", p}});
    }
  }
  t.call("pow", "integer exponent 3 on both signs", {t.rnd({5}, -2.0, 2.0)},
         unary<T>([](V<T> x) { return pow(x, T(3)); }), {{"exponent", 3.0}});
}

template <class T>
void rowwise_rows(Table<T>& t) {
  for (const std::string name : {"softmax", "log_softmax"}) {
    const auto op = name == "softmax"
                        ? std::function<V<T>(V<T>)>([](V<T> x) { return softmax(x); })
                        : std::function<V<T>(V<T>)>([](V<T> x) { return log_softmax(x); });
    for (const Shape& shape : {Shape{1}, Shape{5}, Shape{1, 4}, Shape{3, 4}, Shape{3, 1}})
      t.call(name, str(shape), {t.rnd(shape, -2, 2)}, unary<T>(op));
  }
}

template <class T>
void linear_algebra_rows(Table<T>& t) {
  // matmul: all four rank combinations, and size-1 extents.
  const std::vector<std::pair<Shape, Shape>> matmul_shapes = {
      {{3, 4}, {4, 2}}, {{3, 4}, {4}},    {{4}, {4, 2}},    {{4}, {4}},
      {{1, 1}, {1, 1}}, {{1, 3}, {3, 1}}, {{2, 1}, {1, 3}}, {{1}, {1}},
  };
  const auto matmul_f = binary<T>([](V<T> a, V<T> b) { return matmul(a, b); });
  for (const auto& [sa, sb] : matmul_shapes)
    t.call("matmul", str(sa) + "·" + str(sb), {t.rnd(sa), t.rnd(sb)}, matmul_f);
  t.expression("matmul", "xᵀx", {t.rnd({3, 2})},
               unary<T>([](V<T> x) { return matmul(transpose(x), x); }));

  const auto transpose_f = unary<T>([](V<T> x) { return transpose(x); });
  t.call("transpose", "(3, 4)", {t.rnd({3, 4})}, transpose_f);
  t.call("transpose", "(1, 4)", {t.rnd({1, 4})}, transpose_f);
  t.call("transpose", "(5,)", {t.rnd({5})}, transpose_f);
  t.expression("transpose", "inside x·xᵀ·x", {t.rnd({2, 3})},
               unary<T>([](V<T> x) { return matmul(matmul(x, transpose(x)), x); }));

  const auto outer_f = binary<T>([](V<T> u, V<T> v) { return outer(u, v); });
  t.call("outer", "(3,) ⊗ (4,)", {t.rnd({3}), t.rnd({4})}, outer_f);
  t.call("outer", "(1,) ⊗ (2,)", {t.rnd({1}), t.rnd({2})}, outer_f);
  t.expression("outer", "u ⊗ u", {t.rnd({3})}, unary<T>([](V<T> u) { return outer(u, u); }));

  // linear: with and without bias, matrix and rank-1 x.
  const CaseFunction<T> with_bias = [](Tape<T>&, const std::vector<V<T>>& in) {
    return linear(in[0], in[1], in[2]);
  };
  const CaseFunction<T> without_bias = [](Tape<T>&, const std::vector<V<T>>& in) {
    return linear(in[0], in[1]);
  };
  t.call("linear", "x (5, 3), W (2, 3), b (2,)", {t.rnd({5, 3}), t.rnd({2, 3}), t.rnd({2})},
         with_bias);
  t.call("linear", "x (5, 3), W (2, 3)", {t.rnd({5, 3}), t.rnd({2, 3})}, without_bias);
  t.call("linear", "x (3,), W (2, 3), b (2,)", {t.rnd({3}), t.rnd({2, 3}), t.rnd({2})}, with_bias);
  t.call("linear", "x (3,), W (2, 3)", {t.rnd({3}), t.rnd({2, 3})}, without_bias);
  t.call("linear", "x (1, 1), W (1, 1), b (1,)", {t.rnd({1, 1}), t.rnd({1, 1}), t.rnd({1})},
         with_bias);
  t.expression("linear", "tanh(linear) twice", {t.rnd({4, 3}), t.rnd({2, 3}), t.rnd({2})},
               [](Tape<T>&, const std::vector<V<T>>& in) {
                 return linear(tanh(linear(in[0], in[1], in[2])), transpose(in[1]));
               });

  // linear_relu: the same variants, every pre-activation at least 0.5 from
  // relu's kink and of both signs. With a bias, b = ±[1.5, 2) (signs
  // alternating) outweighs |x·Wᵀ| ≤ 0.75 (in = 3, entries in ±0.5); without,
  // x's first column, 1.25 ± 0.2, times W's, ±1.25 ± 0.2, outweighs the rest
  // (entries in ±0.2).
  const CaseFunction<T> relu_with_bias = [](Tape<T>&, const std::vector<V<T>>& in) {
    return linear_relu(in[0], in[1], in[2]);
  };
  const CaseFunction<T> relu_without_bias = [](Tape<T>&, const std::vector<V<T>>& in) {
    return linear_relu(in[0], in[1]);
  };
  const Tensor<T> signs{1, -1, 1, -1};
  const Tensor<T> first_column{1.25, 0, 0};
  const Tensor<T> signed_first_column{{1.25, 0, 0}, {-1.25, 0, 0}, {1.25, 0, 0}, {-1.25, 0, 0}};
  t.call("linear_relu", "x (5, 3), W (4, 3), b (4,)",
         {t.rnd({5, 3}, -0.5, 0.5), t.rnd({4, 3}, -0.5, 0.5), t.rnd({4}, 1.5, 2) * signs},
         relu_with_bias);
  t.call("linear_relu", "x (5, 3), W (4, 3)",
         {t.rnd({5, 3}, -0.2, 0.2) + first_column, t.rnd({4, 3}, -0.2, 0.2) + signed_first_column},
         relu_without_bias);
  t.call("linear_relu", "x (3,), W (4, 3), b (4,)",
         {t.rnd({3}, -0.5, 0.5), t.rnd({4, 3}, -0.5, 0.5), t.rnd({4}, 1.5, 2) * signs},
         relu_with_bias);
  t.call("linear_relu", "x (3,), W (4, 3)",
         {t.rnd({3}, -0.2, 0.2) + first_column, t.rnd({4, 3}, -0.2, 0.2) + signed_first_column},
         relu_without_bias);
  t.call("linear_relu", "x (1, 1), W (1, 1), b (1,)",
         {t.rnd({1, 1}, -0.5, 0.5), t.rnd({1, 1}, -0.5, 0.5), t.rnd({1}, 1.5, 2)}, relu_with_bias);
  t.expression("linear_relu", "linear_relu(x)² · linear_relu(x)",
               {t.rnd({4, 3}, -0.5, 0.5), t.rnd({4, 3}, -0.5, 0.5), t.rnd({4}, 1.5, 2) * signs},
               [](Tape<T>&, const std::vector<V<T>>& in) {
                 const V<T> h = linear_relu(in[0], in[1], in[2]);
                 return square(h) * h;
               });
}

template <class T>
void reduction_rows(Table<T>& t) {
  for (const std::string name : {"sum", "mean"}) {
    const bool is_sum = name == "sum";
    const auto all = unary<T>([is_sum](V<T> x) { return is_sum ? sum(x) : mean(x); });
    t.call(name, "all (3, 4)", {t.rnd({3, 4})}, all);
    t.call(name, "all (1,)", {t.rnd({1})}, all);
    t.call(name, "all ()", {t.rnd({})}, all);
    for (const int axis : {0, 1, -1, -2}) {
      for (const bool keepdims : {false, true}) {
        t.call(name, "(3, 4) axis " + std::to_string(axis) + (keepdims ? " keepdims" : ""),
               {t.rnd({3, 4})}, unary<T>([is_sum, axis, keepdims](V<T> x) {
                 return is_sum ? sum(x, axis, keepdims) : mean(x, axis, keepdims);
               }),
               {{"axis", static_cast<double>(axis)}, {"keepdims", keepdims ? 1.0 : 0.0}});
      }
    }
    t.call(name, "(5,) axis 0 keepdims", {t.rnd({5})},
           unary<T>([is_sum](V<T> x) { return is_sum ? sum(x, 0, true) : mean(x, 0, true); }),
           {{"axis", 0.0}, {"keepdims", 1.0}});
    t.expression(name, "squared sum (a quadratic)", {t.rnd({2, 3})}, unary<T>([is_sum](V<T> x) {
                   const V<T> s = is_sum ? sum(x, 1) : mean(x, -1);
                   return s * s;
                 }));
  }
}

template <class T>
void shape_rows(Table<T>& t) {
  // Linear maps: their second derivatives are zero alone, so each is also
  // checked under a square.
  const std::vector<std::pair<Shape, Shape>> sum_to_shapes = {
      {{3, 4}, {4}}, {{3, 4}, {3, 1}}, {{3, 4}, {1, 4}}, {{3, 4}, {}}, {{3, 4}, {3, 4}}, {{5}, {1}},
  };
  for (const auto& [from, to] : sum_to_shapes) {
    t.call("sum_to", str(from) + " → " + str(to), {t.rnd(from)},
           unary<T>([to = to](V<T> x) { return sum_to(x, to); }), shape_attributes(to));
    t.expression("sum_to", "square of " + str(from) + " → " + str(to), {t.rnd(from)},
                 unary<T>([to = to](V<T> x) { return square(sum_to(x, to)); }));
    t.call("broadcast_to", str(to) + " → " + str(from), {t.rnd(to)},
           unary<T>([from = from](V<T> x) { return broadcast_to(x, from); }),
           shape_attributes(from));
    t.expression("broadcast_to", "square of " + str(to) + " → " + str(from), {t.rnd(to)},
                 unary<T>([from = from](V<T> x) { return square(broadcast_to(x, from)); }));
  }
  const std::vector<std::pair<Shape, Shape>> reshapes = {
      {{3, 4}, {2, 6}}, {{6}, {2, 3}}, {{2, 3}, {6}}, {{1, 1}, {}}, {{3, 4}, {2, 3, 2}}};
  for (const auto& [from, to] : reshapes) {
    t.call("reshape", str(from) + " → " + str(to), {t.rnd(from)},
           unary<T>([to = to](V<T> x) { return reshape(x, to); }), shape_attributes(to));
  }
  t.expression("reshape", "square of (3, 4) → (2, 6)", {t.rnd({3, 4})}, unary<T>([](V<T> x) {
                 return square(reshape(x, {2, 6}));
               }));
  t.expression("reshape", "exp of (6,) → (2, 3)", {t.rnd({6})}, unary<T>([](V<T> x) {
                 return exp(reshape(x, {2, 3}));
               }));
}

template <class T>
void loss_rows(Table<T>& t) {
  for (const Reduction reduction : {Reduction::sum, Reduction::mean}) {
    const std::string r = reduction == Reduction::sum ? "sum" : "mean";
    for (const Shape& shape : {Shape{4}, Shape{3, 4}, Shape{1, 1}}) {
      t.call("mse", r + " " + str(shape), {t.rnd(shape), t.rnd(shape)},
             binary<T>([reduction](V<T> y, V<T> target) { return mse(y, target, reduction); }),
             reduction_attributes(reduction));
      // Targets inside (0, 1), so that finite differences stay in [0, 1].
      t.call("binary_cross_entropy", r + " " + str(shape),
             {t.rnd(shape, -3, 3), t.rnd(shape, 0.05, 0.95)},
             binary<T>([reduction](V<T> x, V<T> target) {
               return binary_cross_entropy(x, target, reduction);
             }),
             reduction_attributes(reduction));
    }
    t.call("binary_cross_entropy", r + " ()", {t.rnd({}, -3, 3), t.rnd({}, 0.05, 0.95)},
           binary<T>([reduction](V<T> x, V<T> target) {
             return binary_cross_entropy(x, target, reduction);
           }),
           reduction_attributes(reduction));
    const auto ce = binary<T>(
        [reduction](V<T> logits, V<T> labels) { return cross_entropy(logits, labels, reduction); });
    t.call("cross_entropy", r + " (4, 3)", {t.rnd({4, 3}, -2, 2)}, ce,
           reduction_attributes(reduction), {Tensor<T>{T(2), T(0), T(1), T(2)}});
    t.call("cross_entropy", r + " (5,) with one label", {t.rnd({5}, -2, 2)}, ce,
           reduction_attributes(reduction), {Tensor<T>{T(3)}});
    t.call("cross_entropy", r + " (1, 2)", {t.rnd({1, 2}, -2, 2)}, ce,
           reduction_attributes(reduction), {Tensor<T>{T(1)}});
  }
}

}  // namespace

template <class T>
std::vector<OpCase<T>> op_cases() {
  Table<T> t;
  binary_rows(t);
  unary_rows(t);
  rowwise_rows(t);
  linear_algebra_rows(t);
  reduction_rows(t);
  shape_rows(t);
  loss_rows(t);
  for (OpCase<T>& c : indexing_op_cases<T>())
    t.rows.push_back(std::move(c));
  for (OpCase<T>& c : elementwise_op_cases<T>())
    t.rows.push_back(std::move(c));
  for (OpCase<T>& c : reduction_op_cases<T>())
    t.rows.push_back(std::move(c));
  for (OpCase<T>& c : rank3_op_cases<T>())
    t.rows.push_back(std::move(c));
  return std::move(t.rows);
}

namespace {

/// The case's constants recorded on `tape` and placed around `inputs` in the
/// op's order.
template <class T>
std::vector<Var<T>> with_constants(Tape<T>& tape, const OpCase<T>& c, std::vector<Var<T>> inputs) {
  std::vector<Var<T>> constants;
  for (const Tensor<T>& constant : c.constants)
    constants.push_back(tape.constant(constant));
  std::vector<Var<T>>& first = c.constants_first ? constants : inputs;
  std::vector<Var<T>>& second = c.constants_first ? inputs : constants;
  first.insert(first.end(), second.begin(), second.end());
  return std::move(first);
}

}  // namespace

template <class T>
std::vector<Var<T>> record_vars(Tape<T>& tape, const OpCase<T>& c) {
  std::vector<Var<T>> vars;
  for (const Tensor<T>& input : c.inputs)
    vars.push_back(tape.variable(input));
  return with_constants(tape, c, std::move(vars));
}

GradcheckFunction gradcheck_function(const OpCase<double>& c) {
  return [c](Tape<double>& tape, const std::vector<Var<double>>& inputs) {
    return c.f(tape, with_constants(tape, c, inputs));
  };
}

std::set<std::string> builtin_names() {
  std::set<std::string> names;
  for (const OpInfo<double>& info : Registry<double>::global().entries()) {
    if (info.origin == "tapegrad")
      names.insert(info.name);
  }
  return names;
}

void expect_covers_builtins(const std::set<std::string>& covered, std::string_view what) {
  const std::set<std::string> builtins = builtin_names();
  EXPECT_FALSE(builtins.empty()) << "the registry lists no built-in op";
  for (const std::string& name : builtins) {
    EXPECT_TRUE(covered.count(name))
        << "no " << what << " case for built-in op '" << name << "' (tests/ops/op_cases.cpp)";
  }
  for (const std::string& name : covered) {
    EXPECT_TRUE(builtins.count(name))
        << "a " << what << " case names '" << name << "', which is not a built-in op";
  }
}

template std::vector<OpCase<float>> op_cases();
template std::vector<OpCase<double>> op_cases();
template std::vector<Var<float>> record_vars(Tape<float>&, const OpCase<float>&);
template std::vector<Var<double>> record_vars(Tape<double>&, const OpCase<double>&);

}  // namespace tapegrad::testing
