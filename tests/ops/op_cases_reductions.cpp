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

namespace tapegrad::testing {
namespace {

template <class T>
using V = Var<T>;

/// How a reduction is called: over every element, or along an axis.
struct Along {
  std::optional<int> axis;
  bool keepdims = false;

  std::string label() const {
    if (!axis)
      return keepdims ? "all keepdims" : "all";
    return "axis " + std::to_string(*axis) + (keepdims ? " keepdims" : "");
  }
  Attributes attributes() const {
    Attributes a;
    if (axis)
      a.set("axis", *axis);
    a.set("keepdims", keepdims ? 1 : 0);
    return a;
  }
};

/// Input shapes and the ways each is reduced.
std::vector<std::pair<Shape, std::vector<Along>>> reduction_shapes() {
  return {
      {{3, 4}, {{}, {0}, {1}, {-1, true}, {-2, true}}},
      {{5}, {{}, {0, true}}},
      {{1}, {{}}},
      {{}, {{}}},
      {{4, 1}, {{1}, {0, true}}},
      {{2, 3, 4}, {{}, {0}, {1, true}, {-1}}},
      {{3, 7}, {{-1}}},
  };
}

/// A reduction as the case function: its free functions called as `along`
/// says (over all elements with keepdims only by name).
template <class T>
using Reduce = std::function<V<T>(V<T>, const Along&)>;

template <class T>
Reduce<T> reduction(V<T> (*all)(V<T>), V<T> (*axis)(V<T>, int, bool), std::string name) {
  return [=](V<T> x, const Along& along) {
    if (along.axis)
      return axis(x, *along.axis, along.keepdims);
    return along.keepdims ? x.tape()->apply(name, {x}, along.attributes()) : all(x);
  };
}

/// How many elements each result of `along` reduces.
std::size_t reduced_length(const Shape& shape, const Along& along) {
  if (!along.axis)
    return shape_size(shape);
  const int rank = static_cast<int>(shape.size());
  return shape[static_cast<std::size_t>(*along.axis < 0 ? *along.axis + rank : *along.axis)];
}

/// Rows of `name` for every shape and way of reduction_shapes() whose
/// results reduce at least `min_length` elements.
template <class T>
void add_reduction_rows(CaseRows<T>& t, const std::string& name, const Reduce<T>& reduce,
                        double low, double high, const Attributes& extra = {},
                        std::size_t min_length = 1) {
  for (const auto& [shape, alongs] : reduction_shapes()) {
    for (const Along& along : alongs) {
      if (reduced_length(shape, along) < min_length)
        continue;
      Attributes attributes = along.attributes();
      for (const auto& [key, value] : extra.items())
        attributes.set(key, value);
      t.call(name, str(shape) + " " + along.label(), {t.rnd(shape, low, high)},
             unary_case<T>([reduce, along = along](V<T> x) { return reduce(x, along); }),
             attributes);
    }
  }
  // Inside a bigger expression, its second derivatives meet others'.
  t.expression(name, "squared, along axis 1 of (2, 3)", {t.rnd({2, 3}, low, high)},
               unary_case<T>([reduce](V<T> x) {
                 return square(reduce(x, Along{1, false}));
               }));
}

/// var or std with a correction.
template <class T>
Reduce<T> variance(bool is_std, Correction c) {
  return [is_std, c](V<T> x, const Along& along) {
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
