// The op table's rows for the indexing and shape ops (indexing.hpp) and their
// adjoints: size-1 and rank-3 shapes, negative axes and positions, steps,
// repeated indices, and each op inside bigger expressions (squared, used
// twice, broadcast against another input), since alone these linear maps
// have zero second derivatives.
#include <cstdint>
#include <utility>

#include <fmt/format.h>

#include "ops/op_cases.hpp"
#include "support/random.hpp"

namespace tapegrad::testing {
namespace {

template <class T>
using V = Var<T>;

template <class T>
class IndexingRows {
 public:
  std::vector<OpCase<T>> rows;

  Tensor<T> rnd(const Shape& shape) { return random_tensor<T>(shape, seed_++); }

  /// f is one call of `op`, with these attributes (and constants after the inputs).
  void call(const std::string& op, const std::string& label, std::vector<Tensor<T>> inputs,
            CaseFunction<T> f, Attributes attributes, std::vector<Tensor<T>> constants = {}) {
    rows.push_back(
        {op, label, std::move(inputs), std::move(f), std::move(attributes), std::move(constants)});
  }
  /// f uses `op` inside a bigger expression.
  void expression(const std::string& op, const std::string& label, std::vector<Tensor<T>> inputs,
                  CaseFunction<T> f, std::vector<Tensor<T>> constants = {}) {
    rows.push_back(
        {op, label, std::move(inputs), std::move(f), std::nullopt, std::move(constants)});
  }

 private:
  std::uint64_t seed_ = 5000;
};

template <class T>
CaseFunction<T> on_first(std::function<V<T>(V<T>)> f) {
  return [f](Tape<T>&, const std::vector<V<T>>& in) { return f(in[0]); };
}

template <class T>
CaseFunction<T> on_two(std::function<V<T>(V<T>, V<T>)> f) {
  return [f](Tape<T>&, const std::vector<V<T>>& in) { return f(in[0], in[1]); };
}

/// Whole numbers as T, of `shape` (row-major).
template <class T>
Tensor<T> whole(const Shape& shape, std::initializer_list<int> values) {
  Tensor<T> t = Tensor<T>::from_shape(shape);
  std::size_t k = 0;
  for (const int v : values)
    t.data()[k++] = static_cast<T>(v);
  return t;
}

std::string str(const Shape& shape) {
  return shape_to_string(shape);
}

template <class T>
void slice_rows(IndexingRows<T>& t) {
  struct Slice {
    Shape shape;
    int axis;
    std::int64_t start;
    std::optional<std::int64_t> stop;
    std::int64_t step;
  };
  const std::vector<Slice> slices = {
      {{5}, 0, 1, 4, 1},
      {{3, 4}, 1, -3, std::nullopt, 1},
      {{3, 4}, 0, 0, 3, 2},
      {{2, 3, 4}, 1, 0, 3, 2},
      {{2, 3, 4}, -1, -1, std::nullopt, 1},
      {{2, 3, 4}, 2, 1, -1, 1},
      {{1, 4}, 0, 0, 1, 1},
      {{4, 1, 3}, 0, 1, 4, 2},
  };
  for (const Slice& s : slices) {
    Attributes a{{"axis", static_cast<double>(s.axis)}, {"start", static_cast<double>(s.start)}};
    if (s.stop)
      a.set("stop", static_cast<double>(*s.stop));
    a.set("step", static_cast<double>(s.step));
    t.call("slice",
           fmt::format("{} axis {} {}:{}:{}", str(s.shape), s.axis, s.start,
                       s.stop ? std::to_string(*s.stop) : std::string(), s.step),
           {t.rnd(s.shape)},
           on_first<T>([s](V<T> x) { return slice(x, s.axis, s.start, s.stop, s.step); }), a);
  }
  t.expression("slice", "square of (2, 3, 4) axis 1 1:3", {t.rnd({2, 3, 4})},
               on_first<T>([](V<T> x) { return square(slice(x, 1, 1, 3)); }));
  t.expression("slice", "overlapping slices multiplied", {t.rnd({3, 4})},
               on_first<T>([](V<T> x) { return slice(x, 1, 0, 3) * slice(x, 1, 1, 4); }));
  t.expression("slice", "(3, 4) axis 1 0:4:2 broadcast against (2,)", {t.rnd({3, 4}), t.rnd({2})},
               on_two<T>([](V<T> x, V<T> b) { return slice(x, 1, 0, 4, 2) * b; }));
  t.expression("slice", "chunk into LSTM-style gates", {t.rnd({2, 8})}, on_first<T>([](V<T> x) {
                 const std::vector<V<T>> gates = chunk(x, 4, 1);
                 return sigmoid(gates[0]) * tanh(gates[2]) + gates[1] * gates[3];
               }));
  t.expression("slice", "split (2, 5) into 2 + 3 along axis 1", {t.rnd({2, 5})},
               on_first<T>([](V<T> x) {
                 const std::vector<V<T>> parts = split(x, {2, 3}, 1);
                 return sum(square(parts[0])) * sum(parts[1]);
               }));

  struct Pad {
    Shape g;
    int axis;
    std::size_t length, start, step;
  };
  for (const Pad& p : std::vector<Pad>{{{2, 3}, 1, 7, 1, 2},
                                       {{3}, 0, 3, 0, 1},
                                       {{2, 1, 4}, 1, 3, 2, 1},
                                       {{1, 2}, 0, 2, 1, 1}}) {
    t.call("slice_backward",
           fmt::format("g {} axis {} into length {} from {} step {}", str(p.g), p.axis, p.length,
                       p.start, p.step),
           {t.rnd(p.g)}, on_first<T>([p](V<T> g) {
             return slice_backward(g, p.axis, p.length, p.start, p.step);
           }),
           {{"axis", static_cast<double>(p.axis)},
            {"length", static_cast<double>(p.length)},
            {"start", static_cast<double>(p.start)},
            {"step", static_cast<double>(p.step)}});
  }
  t.expression("slice_backward", "square of g (2, 2) into length 5 from 1 step 3", {t.rnd({2, 2})},
               on_first<T>([](V<T> g) { return square(slice_backward(g, 1, 5, 1, 3)); }));
}

template <class T>
void index_rows(IndexingRows<T>& t) {
  struct Index {
    Shape shape;
    int axis;
    std::int64_t position;
  };
  for (const Index& i : std::vector<Index>{{{3, 4}, 0, 1},
                                           {{3, 4}, 1, -1},
                                           {{5}, 0, 2},
                                           {{2, 3, 4}, 1, 2},
                                           {{2, 3, 4}, -3, 0},
                                           {{1, 1}, 0, 0}}) {
    t.call("index", fmt::format("{} axis {} position {}", str(i.shape), i.axis, i.position),
           {t.rnd(i.shape)}, on_first<T>([i](V<T> x) { return index(x, i.axis, i.position); }),
           {{"axis", static_cast<double>(i.axis)}, {"position", static_cast<double>(i.position)}});
  }
  t.expression("index", "row 0 times row 1", {t.rnd({2, 3})},
               on_first<T>([](V<T> x) { return index(x, 0, 0) * index(x, 0, 1); }));
  t.expression("index", "−log of softmax(z)[1]", {t.rnd({4})},
               on_first<T>([](V<T> z) { return neg(log(index(softmax(z), 0, 1))); }));
}

template <class T>
void join_rows(IndexingRows<T>& t) {
  struct Join {
    std::vector<Shape> shapes;
    int axis;
  };
  const auto joined = [](bool is_concat, int axis) {
    return CaseFunction<T>([is_concat, axis](Tape<T>&, const std::vector<V<T>>& in) {
      return is_concat ? concat(in, axis) : stack(in, axis);
    });
  };
  const auto label = [](const Join& j) {
    std::vector<std::string> shapes;
    for (const Shape& s : j.shapes)
      shapes.push_back(str(s));
    return fmt::format("{} axis {}", fmt::join(shapes, " "), j.axis);
  };
  const auto inputs = [&t](const Join& j) {
    std::vector<Tensor<T>> values;
    for (const Shape& s : j.shapes)
      values.push_back(t.rnd(s));
    return values;
  };
  for (const Join& j : std::vector<Join>{{{{2, 3}, {2, 1}}, 1},
                                         {{{2, 3}, {3, 3}, {1, 3}}, 0},
                                         {{{2, 2, 3}, {2, 1, 3}}, -2},
                                         {{{4}}, 0},
                                         {{{1}, {2}}, 0}}) {
    t.call("concat", label(j), inputs(j), joined(true, j.axis),
           {{"axis", static_cast<double>(j.axis)}});
  }
  t.expression("concat", "square of concat(x, x)", {t.rnd({2, 2})}, on_first<T>([](V<T> x) {
                 return square(concat({x, x}, 1));
               }));
  t.expression("concat", "concat(x, y²) times a broadcast row", {t.rnd({1, 2}), t.rnd({2, 2})},
               on_two<T>([](V<T> x, V<T> y) {
                 return concat({x, y * y}, 0) * x;
               }));

  for (const Join& j : std::vector<Join>{{{{3}, {3}}, 0},
                                         {{{2, 3}, {2, 3}, {2, 3}}, 1},
                                         {{{2, 3}, {2, 3}}, -1},
                                         {{{}, {}}, 0},
                                         {{{1, 2}}, 2}}) {
    t.call("stack", label(j), inputs(j), joined(false, j.axis),
           {{"axis", static_cast<double>(j.axis)}});
  }
  t.expression("stack", "stack(x, x²) squared", {t.rnd({2, 3})}, on_first<T>([](V<T> x) {
                 return square(stack({x, square(x)}, 1));
               }));
}

template <class T>
void gather_rows(IndexingRows<T>& t) {
  struct Gather {
    Shape x;
    int axis;
    Tensor<T> index;
  };
  const std::vector<Gather> gathers = {
      {{3, 4}, 1, whole<T>({3, 2}, {0, 3, 1, 1, 2, 0})},
      {{3, 4}, 0, whole<T>({2, 4}, {2, 0, 1, 2, 0, 0, 2, 1})},
      {{5}, 0, whole<T>({3}, {4, 4, 0})},
      {{2, 3, 4}, 1, whole<T>({2, 2, 4}, {0, 1, 2, 0, 2, 2, 1, 0, 1, 1, 1, 1, 0, 2, 0, 2})},
      {{2, 3, 4}, -1, whole<T>({2, 3, 1}, {3, 0, 1, 2, 2, 0})},
      {{1, 1}, 0, whole<T>({1, 1}, {0})},
  };
  for (const Gather& g : gathers) {
    const int axis = g.axis;
    t.call("gather", fmt::format("x {} axis {} index {}", str(g.x), axis, str(g.index.shape())),
           {t.rnd(g.x)}, on_two<T>([axis](V<T> x, V<T> index) { return gather(x, axis, index); }),
           {{"axis", static_cast<double>(axis)}}, {g.index});
  }
  t.expression("gather", "square of x (3, 4) gathered along axis 1", {t.rnd({3, 4})},
               on_two<T>([](V<T> x, V<T> index) { return square(gather(x, 1, index)); }),
               {whole<T>({3, 2}, {1, 1, 0, 3, 2, 2})});

  struct Scatter {
    Shape g;
    int axis;
    std::size_t length;
    Tensor<T> index;
  };
  const std::vector<Scatter> scatters = {
      {{3, 2}, 1, 4, whole<T>({3, 2}, {0, 3, 1, 1, 2, 0})},
      {{2, 2, 4}, 1, 3, whole<T>({2, 2, 4}, {0, 1, 2, 0, 2, 2, 1, 0, 1, 1, 1, 1, 0, 2, 0, 2})},
      {{3}, 0, 2, whole<T>({3}, {1, 1, 0})},
  };
  for (const Scatter& s : scatters) {
    const int axis = s.axis;
    const std::size_t length = s.length;
    t.call("gather_backward", fmt::format("g {} axis {} length {}", str(s.g), axis, length),
           {t.rnd(s.g)}, on_two<T>([axis, length](V<T> g, V<T> index) {
             return gather_backward(g, axis, index, length);
           }),
           {{"axis", static_cast<double>(axis)}, {"length", static_cast<double>(length)}},
           {s.index});
  }
  t.expression(
      "gather_backward", "square of g (3,) scattered into length 2", {t.rnd({3})},
      on_two<T>([](V<T> g, V<T> index) { return square(gather_backward(g, 0, index, 2)); }),
      {whole<T>({3}, {1, 1, 0})});
}

template <class T>
void embedding_rows(IndexingRows<T>& t) {
  struct Lookup {
    Shape weight;
    Tensor<T> ids;
  };
  const std::vector<Lookup> lookups = {
      {{5, 3}, whole<T>({4}, {0, 2, 2, 4})},
      {{4, 2}, whole<T>({2, 3}, {3, 0, 1, 1, 2, 3})},
      {{1, 1}, whole<T>({}, {0})},
      {{3, 4}, whole<T>({1}, {2})},
  };
  for (const Lookup& l : lookups) {
    t.call("embedding", fmt::format("weight {} ids {}", str(l.weight), str(l.ids.shape())),
           {t.rnd(l.weight)}, on_two<T>([](V<T> w, V<T> ids) { return embedding(w, ids); }), {},
           {l.ids});
  }
  t.expression("embedding", "square of rows, the weight used twice", {t.rnd({4, 3})},
               on_two<T>([](V<T> w, V<T> ids) { return square(embedding(w, ids)) * sum(w, 0); }),
               {whole<T>({3}, {1, 3, 1})});

  struct Rows {
    Shape g;
    std::size_t rows;
    Tensor<T> ids;
  };
  for (const Rows& r : std::vector<Rows>{{{4, 3}, 5, whole<T>({4}, {0, 2, 2, 4})},
                                         {{2, 3, 2}, 4, whole<T>({2, 3}, {3, 0, 1, 1, 2, 3})}}) {
    const std::size_t rows = r.rows;
    t.call("embedding_backward", fmt::format("g {} into {} rows", str(r.g), rows), {t.rnd(r.g)},
           on_two<T>([rows](V<T> g, V<T> ids) { return embedding_backward(g, ids, rows); }),
           {{"rows", static_cast<double>(rows)}}, {r.ids});
  }
  t.expression("embedding_backward", "square of g (3, 2) into 4 rows", {t.rnd({3, 2})},
               on_two<T>([](V<T> g, V<T> ids) { return square(embedding_backward(g, ids, 4)); }),
               {whole<T>({3}, {3, 0, 3})});
}

template <class T>
void permute_rows(IndexingRows<T>& t) {
  struct Permutation {
    Shape shape;
    std::vector<int> axes;
  };
  for (const Permutation& p : std::vector<Permutation>{{{2, 3, 4}, {2, 0, 1}},
                                                       {{3, 4}, {1, 0}},
                                                       {{2, 3, 4}, {0, 2, 1}},
                                                       {{2, 3, 4}, {-1, 0, 1}},
                                                       {{1, 3, 1, 2}, {3, 1, 0, 2}},
                                                       {{5}, {0}},
                                                       {{}, {}}}) {
    Attributes a{{"rank", static_cast<double>(p.axes.size())}};
    for (std::size_t k = 0; k < p.axes.size(); ++k)
      a.set(fmt::format("a{}", k), p.axes[k]);
    const std::vector<int> axes = p.axes;
    t.call("permute", fmt::format("{} axes ({})", str(p.shape), fmt::join(axes, ", ")),
           {t.rnd(p.shape)}, on_first<T>([axes](V<T> x) { return permute(x, Span<int>(axes)); }),
           a);
  }
  t.call("permute", "transpose(x, 0, 2) of (2, 3, 4)", {t.rnd({2, 3, 4})},
         on_first<T>([](V<T> x) { return transpose(x, 0, 2); }),
         {{"rank", 3}, {"a0", 2}, {"a1", 1}, {"a2", 0}});
  t.expression("permute", "square of (2, 3, 4) permuted (1, 2, 0)", {t.rnd({2, 3, 4})},
               on_first<T>([](V<T> x) {
                 return square(permute(x, {1, 2, 0}));
               }));
  t.expression("permute", "x times transpose(x, -1, -2)", {t.rnd({2, 3, 3})},
               on_first<T>([](V<T> x) { return x * transpose(x, -1, -2); }));
}

}  // namespace

template <class T>
std::vector<OpCase<T>> indexing_op_cases() {
  IndexingRows<T> t;
  slice_rows(t);
  index_rows(t);
  join_rows(t);
  gather_rows(t);
  embedding_rows(t);
  permute_rows(t);
  return std::move(t.rows);
}

template std::vector<OpCase<float>> indexing_op_cases();
template std::vector<OpCase<double>> indexing_op_cases();

}  // namespace tapegrad::testing
