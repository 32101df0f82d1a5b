// The op table's rows (op_cases.hpp) for the reductions added with issue 15:
// max, min, argmax, argmin, logsumexp, var, std and norm, over every element
// and along each axis (with and without keepdims), on shapes with size-1
// axes and of rank 3. Random inputs never tie, so max and min stay away from
// their kinks; ties are in their own test.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ops/op_case_rows.hpp"
#include "ops/reduction_reference.hpp"

namespace tapegrad::testing {
namespace {

template <class T>
using V = Var<T>;

/// The shapes and ways of reducing them of the table's rows.
std::vector<ReductionCase> table_reductions() {
  return {
      {{3, 4}, {}},       {{3, 4}, 0},
      {{3, 4}, 1},        {{3, 4}, -1, true},
      {{3, 4}, -2, true}, {{5}, {}},
      {{5}, 0, true},     {{1}, {}},
      {{}, {}},           {{4, 1}, 1},
      {{4, 1}, 0, true},  {{2, 3, 4}, {}},
      {{2, 3, 4}, 0},     {{2, 3, 4}, 1, true},
      {{2, 3, 4}, -1},    {{3, 7}, -1},
  };
}

/// A reduction as the case function: its free functions called as the case
/// says (over all elements with keepdims only by name).
template <class T>
using Reduce = std::function<V<T>(V<T>, const ReductionCase&)>;

template <class T>
Reduce<T> reduction(V<T> (*all)(V<T>), V<T> (*axis)(V<T>, int, bool), std::string name) {
  return [=](V<T> x, const ReductionCase& c) {
    if (c.axis)
      return axis(x, *c.axis, c.keepdims);
    return c.keepdims ? x.tape()->apply(name, {x}, c.attributes()) : all(x);
  };
}

/// Rows of `name` for every case of table_reductions() whose results
/// reduce at least `min_length` elements.
template <class T>
void add_reduction_rows(CaseRows<T>& t, const std::string& name, const Reduce<T>& reduce,
                        double low, double high, const Attributes& extra = {},
                        std::size_t min_length = 1) {
  for (const ReductionCase& c : table_reductions()) {
    if (c.length() < min_length)
      continue;
    Attributes attributes = c.attributes();
    for (const auto& [key, value] : extra.items())
      attributes.set(key, value);
    t.call(name, c.label(), {t.rnd(c.shape, low, high)},
           unary_case<T>([reduce, c](V<T> x) { return reduce(x, c); }), attributes);
  }
  // Inside a bigger expression, its second derivatives meet others'.
  t.expression(name, "squared, along axis 1 of (2, 3)", {t.rnd({2, 3}, low, high)},
               unary_case<T>([reduce](V<T> x) {
                 return square(reduce(x, ReductionCase{{2, 3}, 1}));
               }));
}

/// var or std with a correction.
template <class T>
Reduce<T> variance(bool is_std, Correction c) {
  return [is_std, c](V<T> x, const ReductionCase& along) {
    if (along.axis) {
      return is_std ? tapegrad::std(x, *along.axis, along.keepdims, c)
                    : var(x, *along.axis, along.keepdims, c);
    }
    if (along.keepdims) {
      Attributes a = along.attributes();
      a.set("correction", c == Correction::sample ? 1 : 0);
      return x.tape()->apply(is_std ? "std" : "var", {x}, a);
    }
    return is_std ? tapegrad::std(x, c) : var(x, c);
  };
}

}  // namespace

template <class T>
std::vector<OpCase<T>> reduction_op_cases() {
  CaseRows<T> t(60000);
  add_reduction_rows(t, "max", reduction<T>(&max<T>, &max<T>, "max"), -1, 1);
  add_reduction_rows(t, "min", reduction<T>(&min<T>, &min<T>, "min"), -1, 1);
  add_reduction_rows(t, "argmax", reduction<T>(&argmax<T>, &argmax<T>, "argmax"), -1, 1);
  add_reduction_rows(t, "argmin", reduction<T>(&argmin<T>, &argmin<T>, "argmin"), -1, 1);
  add_reduction_rows(t, "logsumexp", reduction<T>(&logsumexp<T>, &logsumexp<T>, "logsumexp"), -3,
                     3);
  add_reduction_rows(t, "norm", reduction<T>(&norm<T>, &norm<T>, "norm"), -1, 1);
  // Correction 1 needs two elements; std of one element (or of equal ones)
  // divides by 0: every slice here holds several random elements.
  for (const Correction c : {Correction::population, Correction::sample}) {
    const Attributes correction = {{"correction", c == Correction::sample ? 1.0 : 0.0}};
    add_reduction_rows(t, "var", variance<T>(false, c), -1, 1, correction,
                       c == Correction::sample ? 2 : 1);
    add_reduction_rows(t, "std", variance<T>(true, c), -1, 1, correction, 2);
  }
  // argmax as the weight it is used as: a constant, no gradient of its own.
  t.expression("argmax", "x · argmax(x, 1)", {t.rnd({3, 4})},
               unary_case<T>([](V<T> x) { return x * argmax(x, 1, true); }));
  return std::move(t.rows);
}

template std::vector<OpCase<float>> reduction_op_cases();
template std::vector<OpCase<double>> reduction_op_cases();

}  // namespace tapegrad::testing
