// The op-table rows (op_cases.hpp) of batched products, softmax along any
// axis, linear on rank 3, and the losses nll_loss and huber: rank-3 × rank-3,
// rank-3 × matrix and matrix × rank-3 with every transpose flag, batch 1 and
// size-1 extents, every axis of a rank-3 tensor, ignored labels.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ops/op_cases.hpp"
#include "support/random.hpp"

namespace tapegrad::testing {
namespace {

template <class T>
using V = Var<T>;

std::string str(const Shape& shape) {
  return shape_to_string(shape);
}

/// The attribute of a loss's reduction.
double mean_flag(Reduction reduction) {
  return reduction == Reduction::mean ? 1.0 : 0.0;
}

std::string reduction_name(Reduction reduction) {
  return reduction == Reduction::mean ? "mean" : "sum";
}

template <class T>
class Rows {
 public:
  std::vector<OpCase<T>> rows;

  Tensor<T> rnd(const Shape& shape, double low = -1, double high = 1) {
    return random_tensor<T>(shape, seed_++, T(low), T(high));
  }
  /// f is one call of `op` with these attributes.
  void call(std::string op, std::string label, std::vector<Tensor<T>> inputs, CaseFunction<T> f,
            Attributes attributes, std::vector<Tensor<T>> constants = {}) {
    rows.push_back({std::move(op), std::move(label), std::move(inputs), std::move(f),
                    std::move(attributes), std::move(constants)});
  }
  /// f uses `op` inside a bigger expression.
  void expression(std::string op, std::string label, std::vector<Tensor<T>> inputs,
                  CaseFunction<T> f, std::vector<Tensor<T>> constants = {}) {
    rows.push_back({std::move(op), std::move(label), std::move(inputs), std::move(f), std::nullopt,
                    std::move(constants)});
  }

 private:
  std::uint64_t seed_ = 30000;
};

template <class T>
void batched_matmul_rows(Rows<T>& t) {
  struct Product {
    Shape a, b;
    Transpose flags;
  };
  const std::vector<Product> products = {
      // rank 3 × rank 3, batch 1 and size-1 extents
      {{2, 3, 4}, {2, 4, 5}, Transpose::none},
      {{1, 3, 4}, {1, 4, 2}, Transpose::none},
      {{3, 1, 1}, {3, 1, 1}, Transpose::none},
      {{2, 3, 4}, {2, 5, 4}, Transpose::b},
      {{2, 4, 3}, {2, 4, 5}, Transpose::a},
      {{2, 4, 3}, {2, 5, 4}, Transpose::both},
      // rank 3 × matrix (one GEMM over the batch's rows, unless a is transposed)
      {{2, 3, 4}, {4, 5}, Transpose::none},
      {{1, 2, 3}, {3, 1}, Transpose::none},
      {{2, 3, 4}, {5, 4}, Transpose::b},
      {{2, 4, 3}, {4, 5}, Transpose::a},
      {{2, 4, 3}, {5, 4}, Transpose::both},
      // matrix × rank 3
      {{3, 4}, {2, 4, 5}, Transpose::none},
      {{1, 4}, {1, 4, 1}, Transpose::none},
      {{4, 3}, {2, 4, 5}, Transpose::a},
      {{3, 4}, {2, 5, 4}, Transpose::b},
      // matrices with flags
      {{4, 3}, {4, 5}, Transpose::a},
      {{3, 4}, {5, 4}, Transpose::b},
      {{4, 3}, {5, 4}, Transpose::both},
  };
  for (const Product& p : products) {
    const bool ta = p.flags == Transpose::a || p.flags == Transpose::both;
    const bool tb = p.flags == Transpose::b || p.flags == Transpose::both;
    const Transpose flags = p.flags;
    t.call("matmul", str(p.a) + (ta ? "ᵀ" : "") + "·" + str(p.b) + (tb ? "ᵀ" : ""),
           {t.rnd(p.a), t.rnd(p.b)},
           [flags](Tape<T>&, const std::vector<V<T>>& in) { return matmul(in[0], in[1], flags); },
           {{"transpose_a", ta ? 1.0 : 0.0}, {"transpose_b", tb ? 1.0 : 0.0}});
  }
  // The same batch on both sides: x·xᵀ has mixed second derivatives.
  t.expression(
      "matmul", "x·xᵀ of (2, 3, 4)", {t.rnd({2, 3, 4})},
      [](Tape<T>&, const std::vector<V<T>>& in) { return matmul(in[0], in[0], Transpose::b); });
  t.expression("matmul", "tanh(x·W)·W of (2, 3, 3), (3, 3)", {t.rnd({2, 3, 3}), t.rnd({3, 3})},
               [](Tape<T>&, const std::vector<V<T>>& in) {
                 return matmul(tanh(matmul(in[0], in[1])), in[1]);
               });
}

template <class T>
void axis_rows(Rows<T>& t) {
  const std::vector<std::pair<Shape, int>> cases = {
      {{2, 3, 4}, -1}, {{2, 3, 4}, 0},  {{2, 3, 4}, 1}, {{2, 3, 4}, 2}, {{2, 3, 4}, -3},
      {{1, 1, 3}, 0},  {{1, 1, 3}, -1}, {{3, 4}, 0},    {{4}, 0},       {{2, 1, 2, 3}, 1},
  };
  for (const std::string name : {"softmax", "log_softmax"}) {
    const bool is_softmax = name == "softmax";
    for (const auto& [shape, axis] : cases) {
      t.call(name, str(shape) + " axis " + std::to_string(axis), {t.rnd(shape, -2, 2)},
             [is_softmax, axis = axis](Tape<T>&, const std::vector<V<T>>& in) {
               return is_softmax ? softmax(in[0], axis) : log_softmax(in[0], axis);
             },
             {{"axis", static_cast<double>(axis)}});
    }
  }
}

template <class T>
void rank3_linear_rows(Rows<T>& t) {
  t.call("linear", "x (2, 3, 4), W (5, 4), b (5,)", {t.rnd({2, 3, 4}), t.rnd({5, 4}), t.rnd({5})},
         [](Tape<T>&, const std::vector<V<T>>& in) { return linear(in[0], in[1], in[2]); }, {});
  t.call("linear", "x (2, 3, 4), W (5, 4)", {t.rnd({2, 3, 4}), t.rnd({5, 4})},
         [](Tape<T>&, const std::vector<V<T>>& in) { return linear(in[0], in[1]); }, {});
  t.call("linear", "x (1, 1, 3), W (2, 3), b (2,)", {t.rnd({1, 1, 3}), t.rnd({2, 3}), t.rnd({2})},
         [](Tape<T>&, const std::vector<V<T>>& in) { return linear(in[0], in[1], in[2]); }, {});
  // Pre-activations ≥ 0.5 from relu's kink: |x·Wᵀ| ≤ 1 (in = 4, entries in
  // ±0.5) beside b = ±[1.5, 2), signs alternating.
  t.call("linear_relu", "x (2, 3, 4), W (5, 4), b (5,)",
         {t.rnd({2, 3, 4}, -0.5, 0.5), t.rnd({5, 4}, -0.5, 0.5),
          t.rnd({5}, 1.5, 2) * Tensor<T>{1, -1, 1, -1, 1}},
         [](Tape<T>&, const std::vector<V<T>>& in) { return linear_relu(in[0], in[1], in[2]); },
         {});
  t.expression("linear", "tanh(linear) twice on (2, 2, 3)",
               {t.rnd({2, 2, 3}), t.rnd({3, 3}), t.rnd({3})},
               [](Tape<T>&, const std::vector<V<T>>& in) {
                 return linear(tanh(linear(in[0], in[1], in[2])), in[1]);
               });
}

template <class T>
void loss_rows(Rows<T>& t) {
  for (const Reduction reduction : {Reduction::sum, Reduction::mean}) {
    const std::string r = reduction_name(reduction);
    const double mean = mean_flag(reduction);
    const auto nll = [reduction](std::optional<int> ignore) -> CaseFunction<T> {
      return [reduction, ignore](Tape<T>&, const std::vector<V<T>>& in) {
        return nll_loss(in[0], in[1], reduction, ignore);
      };
    };
    t.call("nll_loss", r + " (4, 3)", {t.rnd({4, 3}, -3, 0)}, nll(std::nullopt), {{"mean", mean}},
           {Tensor<T>{T(2), T(0), T(1), T(2)}});
    t.call("nll_loss", r + " (4, 3), ignore_index -100", {t.rnd({4, 3}, -3, 0)}, nll(-100),
           {{"mean", mean}, {"ignore_index", -100.0}}, {Tensor<T>{T(2), T(-100), T(1), T(-100)}});
    t.call("nll_loss", r + " (3, 3), ignore_index 1 (a class)", {t.rnd({3, 3}, -3, 0)}, nll(1),
           {{"mean", mean}, {"ignore_index", 1.0}}, {Tensor<T>{T(1), T(0), T(2)}});
    t.call("nll_loss", r + " (5,) with one label", {t.rnd({5}, -3, 0)}, nll(std::nullopt),
           {{"mean", mean}}, {Tensor<T>{T(3)}});
    t.call("nll_loss", r + " (1, 1)", {t.rnd({1, 1}, -3, 0)}, nll(std::nullopt), {{"mean", mean}},
           {Tensor<T>{T(0)}});
    t.expression("nll_loss", r + " of log_softmax (3, 4)", {t.rnd({3, 4}, -2, 2)},
                 [reduction](Tape<T>&, const std::vector<V<T>>& in) {
                   return nll_loss(log_softmax(in[0]), in[1], reduction);
                 },
                 {Tensor<T>{T(3), T(0), T(1)}});

    for (const double delta : {1.0, 0.5, 2.0}) {
      for (const Shape& shape : {Shape{3, 4}, Shape{5}, Shape{}, Shape{1, 1}, Shape{2, 2, 2}}) {
        t.call("huber", r + " δ " + std::to_string(delta) + " " + str(shape),
               {t.rnd(shape, -2, 2), t.rnd(shape, -2, 2)},
               [reduction, delta](Tape<T>&, const std::vector<V<T>>& in) {
                 return huber(in[0], in[1], reduction, delta);
               },
               {{"mean", mean}, {"delta", delta}});
      }
    }
    t.expression("huber", r + " of tanh(y) against t (3, 3)", {t.rnd({3, 3}, -2, 2), t.rnd({3, 3})},
                 [reduction](Tape<T>&, const std::vector<V<T>>& in) {
                   return huber(tanh(in[0]), in[1], reduction, 0.5);
                 });
  }
}

}  // namespace

template <class T>
std::vector<OpCase<T>> rank3_op_cases() {
  Rows<T> t;
  batched_matmul_rows(t);
  axis_rows(t);
  rank3_linear_rows(t);
  loss_rows(t);
  return std::move(t.rows);
}

template std::vector<OpCase<float>> rank3_op_cases();
template std::vector<OpCase<double>> rank3_op_cases();

}  // namespace tapegrad::testing
