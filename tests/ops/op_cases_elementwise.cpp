// The op table's rows (op_cases.hpp) for the elementwise ops added with
// issue 15: activations, math functions, maximum/minimum, clamp, the
// comparisons and where. Inputs stay away from kinks (0 for the relu-like
// ones, clamp's bounds, ties of maximum, a softplus threshold); what happens
// at them is in each op's own test.
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "ops/op_case_rows.hpp"

namespace tapegrad::testing {
namespace {

template <class T>
using V = Var<T>;

/// Every elementwise shape, a rank-3 one and two of more than 16 elements
/// (the vectorised path; smaller tensors go element by element).
std::vector<Shape> unary_shapes() {
  std::vector<Shape> shapes = elementwise_shapes();
  shapes.push_back({2, 1, 3});
  shapes.push_back({3, 7});
  shapes.push_back({2, 3, 4});
  return shapes;
}

/// Pairs of operand shapes: equal, broadcast both ways, rank 0 and rank 3.
std::vector<std::pair<Shape, Shape>> binary_shapes() {
  return {{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{4}, {3, 4}}, {{3, 1}, {1, 4}},    {{}, {3, 4}},
          {{1, 1}, {2, 3}}, {{1}, {5}},    {{}, {}},      {{2, 3, 4}, {3, 1}}, {{5, 5}, {5, 5}}};
}

/// attribute value `v` as T holds it (0.01 is not a float).
template <class T>
double held(double v) {
  return static_cast<double>(static_cast<T>(v));
}

/// t with every element closer than `margin` to one of `points` moved to
/// that distance (clamp's inputs, away from its bounds).
template <class T>
Tensor<T> avoiding(Tensor<T> t, std::initializer_list<double> points, double margin) {
  for (T& v : t) {
    for (const double p : points) {
      if (std::abs(static_cast<double>(v) - p) < margin)
        v = static_cast<T>(static_cast<double>(v) < p ? p - margin : p + margin);
    }
  }
  return t;
}

template <class T>
void activation_rows(CaseRows<T>& t) {
  struct Unary {
    std::string name;
    std::string variant;
    std::function<V<T>(V<T>)> op;
    Attributes attributes;
    double low = -1, high = 1;
    bool both_signs = false;  ///< inputs in ±[low, high): away from a kink at 0
  };
  const std::vector<Unary> unaries = {
      {"leaky_relu",
       "slope 0.125",
       [](V<T> x) { return leaky_relu(x, T(0.125)); },
       {{"slope", 0.125}},
       0.05,
       1.5,
       true},
      {"leaky_relu",
       "default slope",
       [](V<T> x) { return leaky_relu(x); },
       {{"slope", held<T>(0.01)}},
       0.05,
       1.5,
       true},
      {"elu",
       "alpha 1.5",
       [](V<T> x) { return elu(x, T(1.5)); },
       {{"alpha", 1.5}},
       0.05,
       2.0,
       true},
      {"elu", "default alpha", [](V<T> x) { return elu(x); }, {{"alpha", 1.0}}, 0.05, 2.0, true},
      {"gelu", "erf", [](V<T> x) { return gelu(x); }, {{"approximate", 0.0}}, -3, 3},
      {"gelu",
       "tanh",
       [](V<T> x) { return gelu(x, GeluApproximation::tanh); },
       {{"approximate", 1.0}},
       -3,
       3},
      {"silu", "", [](V<T> x) { return silu(x); }, {}, -4, 4},
      {"softplus",
       "default",
       [](V<T> x) { return softplus(x); },
       {{"beta", 1.0}, {"threshold", 20.0}},
       -4,
       4},
      // βx in ±[1.2, 4): the positive inputs above the threshold, linear.
      {"softplus",
       "beta 2 threshold 1",
       [](V<T> x) { return softplus(x, T(2), T(1)); },
       {{"beta", 2.0}, {"threshold", 1.0}},
       0.6,
       2.0,
       true},
      {"log1p", "", [](V<T> x) { return log1p(x); }, {}, -0.5, 2},
      {"expm1", "", [](V<T> x) { return expm1(x); }, {}, -2, 2},
      {"erf", "", [](V<T> x) { return erf(x); }, {}, -2, 2},
      {"atan", "", [](V<T> x) { return atan(x); }, {}, -3, 3},
  };
  for (const Unary& u : unaries) {
    for (const Shape& shape : unary_shapes()) {
      Tensor<T> x = u.both_signs ? t.away(shape, u.low, u.high) : t.rnd(shape, u.low, u.high);
      t.call(u.name, u.variant + " " + str(shape), {x}, unary_case<T>(u.op), u.attributes);
    }
  }
  // Used twice in one function: the second derivatives add up.
  t.expression("gelu", "gelu(x)·silu(x)", {t.rnd({2, 3}, -2, 2)},
               unary_case<T>([](V<T> x) { return gelu(x) * silu(x); }));
  t.expression("silu", "gelu(x)·silu(x)", {t.rnd({2, 3}, -2, 2)},
               unary_case<T>([](V<T> x) { return gelu(x) * silu(x); }));
  t.expression("erf", "erf(atan(x))²", {t.rnd({4}, -2, 2)},
               unary_case<T>([](V<T> x) { return square(erf(atan(x))); }));
  t.expression("atan", "erf(atan(x))²", {t.rnd({4}, -2, 2)},
               unary_case<T>([](V<T> x) { return square(erf(atan(x))); }));
  t.expression("log1p", "log1p(expm1(x))", {t.rnd({3}, -1, 1)},
               unary_case<T>([](V<T> x) { return log1p(expm1(x)) * x; }));
  t.expression("expm1", "log1p(expm1(x))", {t.rnd({3}, -1, 1)},
               unary_case<T>([](V<T> x) { return log1p(expm1(x)) * x; }));
  t.expression("elu", "elu(x)²", {t.away({5}, 0.05, 2.0)},
               unary_case<T>([](V<T> x) { return square(elu(x, T(0.5))); }));
  t.expression("softplus", "softplus(x)²", {t.rnd({5}, -3, 3)},
               unary_case<T>([](V<T> x) { return square(softplus(x, T(0.5))); }));
  t.expression("leaky_relu", "leaky_relu(x)²", {t.away({5}, 0.05, 2.0)},
               unary_case<T>([](V<T> x) { return square(leaky_relu(x, T(0.25))); }));
}

template <class T>
void clamp_rows(CaseRows<T>& t) {
  const auto both = [](V<T> x) { return clamp(x, T(-0.5), T(0.25)); };
  const auto low = [](V<T> x) { return clamp(x, T(-0.25), std::nullopt); };
  const auto high = [](V<T> x) { return clamp(x, std::nullopt, T(0.5)); };
  for (const Shape& shape : unary_shapes()) {
    t.call("clamp", "[-0.5, 0.25] " + str(shape), {avoiding(t.rnd(shape), {-0.5, 0.25}, 0.05)},
           unary_case<T>(both), {{"lo", -0.5}, {"hi", 0.25}});
    t.call("clamp", "lo -0.25 " + str(shape), {avoiding(t.rnd(shape), {-0.25}, 0.05)},
           unary_case<T>(low), {{"lo", -0.25}});
    t.call("clamp", "hi 0.5 " + str(shape), {avoiding(t.rnd(shape), {0.5}, 0.05)},
           unary_case<T>(high), {{"hi", 0.5}});
  }
  t.expression("clamp", "x · clamp(x)", {avoiding(t.rnd({3, 4}), {-0.5, 0.25}, 0.05)},
               unary_case<T>([both](V<T> x) { return x * both(x); }));
}

template <class T>
void pairwise_rows(CaseRows<T>& t) {
  for (const std::string name : {"maximum", "minimum"}) {
    const auto op =
        name == "maximum"
            ? std::function<V<T>(V<T>, V<T>)>([](V<T> a, V<T> b) { return maximum(a, b); })
            : std::function<V<T>(V<T>, V<T>)>([](V<T> a, V<T> b) { return minimum(a, b); });
    for (const auto& [sa, sb] : binary_shapes())
      t.call(name, str(sa) + " with " + str(sb), {t.rnd(sa), t.rnd(sb)}, binary_case<T>(op));
    // A tie everywhere: each side gets g/2, which adds up to max(x, x)' = 1.
    t.expression(name, "(x, x): ties", {t.rnd({2, 3})},
                 unary_case<T>([op](V<T> x) { return op(x, x) * x; }));
    t.expression(name, "(x, −x) = ±|x|", {t.away({5}, 0.1, 1.0)},
                 unary_case<T>([op](V<T> x) { return square(op(x, -x)); }));
  }
}

template <class T>
void comparison_rows(CaseRows<T>& t) {
  using Compare = std::function<V<T>(V<T>, V<T>)>;
  const std::vector<std::pair<std::string, Compare>> comparisons = {
      {"greater", [](V<T> a, V<T> b) { return greater(a, b); }},
      {"greater_equal", [](V<T> a, V<T> b) { return greater_equal(a, b); }},
      {"less", [](V<T> a, V<T> b) { return less(a, b); }},
      {"less_equal", [](V<T> a, V<T> b) { return less_equal(a, b); }},
      {"equal", [](V<T> a, V<T> b) { return equal(a, b); }},
  };
  for (const auto& [name, op] : comparisons) {
    // Random operands never tie (equal gives zeros), and finite differences
    // see a constant: no gradient at all.
    for (const auto& [sa, sb] : binary_shapes())
      t.call(name, str(sa) + " with " + str(sb), {t.rnd(sa), t.rnd(sb)}, binary_case<T>(op));
    // As a weight: the mask carries no gradient to either side.
    t.expression(name, "x · (x op y)", {t.rnd({3, 4}), t.rnd({4})},
                 binary_case<T>([op = op](V<T> x, V<T> y) { return x * op(x, y); }));
  }
  // Equal operands in places: equal is 1 there, and still constant.
  Tensor<T> a = t.rnd({3, 4});
  Tensor<T> b = t.rnd({3, 4});
  for (std::size_t i = 0; i < a.size(); i += 3)
    b.data()[i] = a.data()[i];
  t.call("equal", "(3, 4) with ties", {a, b},
         binary_case<T>([](V<T> x, V<T> y) { return equal(x, y); }));
}

template <class T>
void where_rows(CaseRows<T>& t) {
  struct Shapes {
    Shape mask, a, b;
  };
  const std::vector<Shapes> shapes = {
      {{3, 4}, {3, 4}, {3, 4}},
      {{3, 4}, {4}, {}},
      {{3, 1}, {1, 4}, {3, 4}},
      {{}, {2, 3}, {2, 3}},
      {{2, 1, 3}, {2, 4, 3}, {4, 1}},
      {{5, 5}, {5, 5}, {5, 5}},
      {{}, {}, {}},
      {{4}, {1}, {4}},
  };
  const CaseFunction<T> f = [](Tape<T>&, const std::vector<V<T>>& in) {
    return where(in[0], in[1], in[2]);
  };
  for (const Shapes& s : shapes) {
    Tensor<T> mask = t.rnd(s.mask);
    for (T& m : mask)
      m = m > 0 ? T(1) : T(0);
    t.call("where", "mask " + str(s.mask) + ", " + str(s.a) + ", " + str(s.b),
           {t.rnd(s.a), t.rnd(s.b)}, f, {}, {mask}, true);
  }
  t.expression("where", "where(x > y, x, y²)", {t.rnd({3, 4}), t.rnd({3, 4})},
               binary_case<T>([](V<T> x, V<T> y) { return where(greater(x, y), x, y * y); }));
}

}  // namespace

template <class T>
std::vector<OpCase<T>> elementwise_op_cases() {
  CaseRows<T> t(50000);
  activation_rows(t);
  clamp_rows(t);
  pairwise_rows(t);
  comparison_rows(t);
  where_rows(t);
  return std::move(t.rows);
}

template std::vector<OpCase<float>> elementwise_op_cases();
template std::vector<OpCase<double>> elementwise_op_cases();

}  // namespace tapegrad::testing
