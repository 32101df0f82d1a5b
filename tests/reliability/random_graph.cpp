#include "reliability/random_graph.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <xtensor/xmath.hpp>

namespace tapegrad::reliability {

const char* op_name(OpKind kind) {
  switch (kind) {
    case OpKind::variable:
      return "variable";
    case OpKind::constant:
      return "constant";
    case OpKind::neg:
      return "neg";
    case OpKind::sigmoid:
      return "sigmoid";
    case OpKind::tanh:
      return "tanh";
    case OpKind::relu:
      return "relu";
    case OpKind::abs:
      return "abs";
    case OpKind::sin:
      return "sin";
    case OpKind::cos:
      return "cos";
    case OpKind::square:
      return "square";
    case OpKind::exp:
      return "exp";
    case OpKind::log:
      return "log";
    case OpKind::sqrt:
      return "sqrt";
    case OpKind::pow:
      return "pow";
    case OpKind::scale:
      return "scale";
    case OpKind::shift:
      return "shift";
    case OpKind::add:
      return "add";
    case OpKind::sub:
      return "sub";
    case OpKind::mul:
      return "mul";
    case OpKind::div:
      return "div";
    case OpKind::sum_all:
      return "sum";
    case OpKind::mean_all:
      return "mean";
    case OpKind::sum_axis:
      return "sum(axis)";
    case OpKind::mean_axis:
      return "mean(axis)";
    case OpKind::softmax:
      return "softmax";
    case OpKind::log_softmax:
      return "log_softmax";
    case OpKind::matmul:
      return "matmul";
    case OpKind::linear:
      return "linear";
    case OpKind::linear_bias:
      return "linear(bias)";
    case OpKind::linear_relu:
      return "linear_relu";
    case OpKind::transpose:
      return "transpose";
    case OpKind::outer:
      return "outer";
    case OpKind::reshape:
      return "reshape";
    case OpKind::broadcast_to:
      return "broadcast_to";
    case OpKind::sum_to:
      return "sum_to";
    case OpKind::mse:
      return "mse";
    case OpKind::cross_entropy:
      return "cross_entropy";
    case OpKind::slice:
      return "slice";
    case OpKind::index:
      return "index";
    case OpKind::concat:
      return "concat";
    case OpKind::stack:
      return "stack";
    case OpKind::gather:
      return "gather";
    case OpKind::embedding:
      return "embedding";
    case OpKind::permute:
      return "permute";
    case OpKind::leaky_relu:
      return "leaky_relu";
    case OpKind::elu:
      return "elu";
    case OpKind::gelu:
      return "gelu";
    case OpKind::silu:
      return "silu";
    case OpKind::softplus:
      return "softplus";
    case OpKind::log1p:
      return "log1p";
    case OpKind::expm1:
      return "expm1";
    case OpKind::erf:
      return "erf";
    case OpKind::atan:
      return "atan";
    case OpKind::clamp:
      return "clamp";
    case OpKind::maximum:
      return "maximum";
    case OpKind::minimum:
      return "minimum";
    case OpKind::greater:
      return "greater";
    case OpKind::greater_equal:
      return "greater_equal";
    case OpKind::less:
      return "less";
    case OpKind::less_equal:
      return "less_equal";
    case OpKind::equal:
      return "equal";
    case OpKind::where:
      return "where";
    case OpKind::max:
      return "max";
    case OpKind::min:
      return "min";
    case OpKind::argmax:
      return "argmax";
    case OpKind::argmin:
      return "argmin";
    case OpKind::logsumexp:
      return "logsumexp";
    case OpKind::var:
      return "var";
    case OpKind::std:
      return "std";
    case OpKind::norm:
      return "norm";
  }
  return "?";
}

std::vector<Tensor<double>> Graph::variables() const {
  std::vector<Tensor<double>> values;
  for (const NodeSpec& node : nodes) {
    if (node.kind == OpKind::variable)
      values.push_back(node.value);
  }
  return values;
}

std::string Graph::text() const {
  std::string out = fmt::format("graph of seed {} ({} nodes, output {}):\n", seed, nodes.size(),
                                nodes.size() - 1);
  for (std::size_t id = 0; id < nodes.size(); ++id) {
    const NodeSpec& n = nodes[id];
    std::string attributes;
    switch (n.kind) {
      case OpKind::pow:
        attributes = fmt::format("exponent={}", n.c);
        break;
      case OpKind::scale:
        attributes = fmt::format("factor={}", n.c);
        break;
      case OpKind::shift:
        attributes = fmt::format("offset={}", n.c);
        break;
      case OpKind::sum_axis:
      case OpKind::mean_axis:
        attributes = fmt::format("axis={} keepdims={}", n.axis, n.keepdims);
        break;
      case OpKind::reshape:
      case OpKind::broadcast_to:
      case OpKind::sum_to:
        attributes = "to " + shape_to_string(n.target);
        break;
      case OpKind::slice:
        attributes = fmt::format("axis={} {}:{}:{}", n.axis, n.start, n.stop, n.step);
        break;
      case OpKind::index:
        attributes = fmt::format("axis={} position={}", n.axis, n.start);
        break;
      case OpKind::concat:
      case OpKind::stack:
      case OpKind::gather:
        attributes = fmt::format("axis={}", n.axis);
        break;
      case OpKind::permute:
        attributes = fmt::format("axes ({})", fmt::join(n.target, ", "));
        break;
      case OpKind::leaky_relu:
        attributes = fmt::format("slope={}", n.c);
        break;
      case OpKind::elu:
        attributes = fmt::format("alpha={}", n.c);
        break;
      case OpKind::gelu:
        attributes = fmt::format("approximate={}", n.c);
        break;
      case OpKind::softplus:
        attributes = fmt::format("beta={}", n.c);
        break;
      case OpKind::clamp:
        attributes = fmt::format("lo={} hi={}", n.c, n.hi);
        break;
      case OpKind::max:
      case OpKind::min:
      case OpKind::argmax:
      case OpKind::argmin:
      case OpKind::logsumexp:
      case OpKind::var:
      case OpKind::std:
      case OpKind::norm:
        attributes = n.every ? std::string("every element")
                             : fmt::format("axis={} keepdims={}", n.axis, n.keepdims);
        if (n.kind == OpKind::var || n.kind == OpKind::std)
          attributes += fmt::format(" correction={}", n.c);
        break;
      case OpKind::variable:
      case OpKind::constant: {
        std::string values;
        for (std::size_t i = 0; i < n.value.size(); ++i)
          values += fmt::format("{}{:.9g}", i ? ", " : "", n.value.data()[i]);
        attributes = "values [" + values + "]";
        break;
      }
      default:
        break;
    }
    std::string inputs;
    for (std::size_t i = 0; i < n.inputs.size(); ++i)
      inputs += fmt::format("{}{}", i ? ", " : "", n.inputs[i]);
    out += fmt::format("{:3}  {:<13} in [{}]  shape {}  {}\n", id, op_name(n.kind), inputs,
                       shape_to_string(n.shape), attributes);
  }
  return out;
}

namespace {

template <class T>
Tensor<T> cast(const Tensor<double>& value) {
  Tensor<T> out = Tensor<T>::from_shape(value.shape());
  for (std::size_t i = 0; i < value.size(); ++i)
    out.data()[i] = static_cast<T>(value.data()[i]);
  return out;
}

template <class T>
Var<T> apply_node(Tape<T>& tape, const NodeSpec& n, const std::vector<Var<T>>& vars,
                  const std::vector<Var<T>>& variables) {
  auto in = [&](std::size_t i) { return vars.at(n.inputs.at(i)); };
  const T c = static_cast<T>(n.c);
  switch (n.kind) {
    case OpKind::variable:
      return variables.at(n.leaf_index);
    case OpKind::constant:
      return tape.constant(cast<T>(n.value));
    case OpKind::neg:
      return -in(0);
    case OpKind::sigmoid:
      return sigmoid(in(0));
    case OpKind::tanh:
      return tapegrad::tanh(in(0));
    case OpKind::relu:
      return relu(in(0));
    case OpKind::abs:
      return tapegrad::abs(in(0));
    case OpKind::sin:
      return tapegrad::sin(in(0));
    case OpKind::cos:
      return tapegrad::cos(in(0));
    case OpKind::square:
      return square(in(0));
    case OpKind::exp:
      return tapegrad::exp(in(0));
    case OpKind::log:
      return tapegrad::log(in(0));
    case OpKind::sqrt:
      return tapegrad::sqrt(in(0));
    case OpKind::pow:
      return tapegrad::pow(in(0), c);
    case OpKind::scale:
      return scale(in(0), c);
    case OpKind::shift:
      return shift(in(0), c);
    case OpKind::add:
      return in(0) + in(1);
    case OpKind::sub:
      return in(0) - in(1);
    case OpKind::mul:
      return in(0) * in(1);
    case OpKind::div:
      return in(0) / in(1);
    case OpKind::sum_all:
      return sum(in(0));
    case OpKind::mean_all:
      return mean(in(0));
    case OpKind::sum_axis:
      return sum(in(0), n.axis, n.keepdims);
    case OpKind::mean_axis:
      return mean(in(0), n.axis, n.keepdims);
    case OpKind::softmax:
      return softmax(in(0));
    case OpKind::log_softmax:
      return log_softmax(in(0));
    case OpKind::matmul:
      return matmul(in(0), in(1));
    case OpKind::linear:
      return linear(in(0), in(1));
    case OpKind::linear_bias:
      return linear(in(0), in(1), in(2));
    case OpKind::linear_relu:
      return n.inputs.size() == 3 ? linear_relu(in(0), in(1), in(2)) : linear_relu(in(0), in(1));
    case OpKind::transpose:
      return transpose(in(0));
    case OpKind::outer:
      return outer(in(0), in(1));
    case OpKind::reshape:
      return reshape(in(0), n.target);
    case OpKind::broadcast_to:
      return broadcast_to(in(0), n.target);
    case OpKind::sum_to:
      return sum_to(in(0), n.target);
    case OpKind::mse:
      return mse(in(0), in(1));
    case OpKind::cross_entropy:
      return cross_entropy(in(0), in(1));
    case OpKind::slice:
      return slice(in(0), n.axis, n.start, n.stop, n.step);
    case OpKind::index:
      return index(in(0), n.axis, n.start);
    case OpKind::concat:
    case OpKind::stack: {
      std::vector<Var<T>> parts;
      for (std::size_t i = 0; i < n.inputs.size(); ++i)
        parts.push_back(in(i));
      return n.kind == OpKind::concat ? concat(parts, n.axis) : stack(parts, n.axis);
    }
    case OpKind::gather:
      return gather(in(0), n.axis, in(1));
    case OpKind::embedding:
      return embedding(in(0), in(1));
    case OpKind::permute: {
      const std::vector<int> axes(n.target.begin(), n.target.end());
      return permute(in(0), Span<int>(axes));
    }
    case OpKind::leaky_relu:
      return leaky_relu(in(0), c);
    case OpKind::elu:
      return elu(in(0), c);
    case OpKind::gelu:
      return gelu(in(0), n.c == 1 ? GeluApproximation::tanh : GeluApproximation::none);
    case OpKind::silu:
      return silu(in(0));
    case OpKind::softplus:
      return softplus(in(0), c);
    case OpKind::log1p:
      return tapegrad::log1p(in(0));
    case OpKind::expm1:
      return tapegrad::expm1(in(0));
    case OpKind::erf:
      return tapegrad::erf(in(0));
    case OpKind::atan:
      return tapegrad::atan(in(0));
    case OpKind::clamp:
      return clamp(in(0), c, static_cast<T>(n.hi));
    case OpKind::maximum:
      return maximum(in(0), in(1));
    case OpKind::minimum:
      return minimum(in(0), in(1));
    case OpKind::greater:
      return greater(in(0), in(1));
    case OpKind::greater_equal:
      return greater_equal(in(0), in(1));
    case OpKind::less:
      return less(in(0), in(1));
    case OpKind::less_equal:
      return less_equal(in(0), in(1));
    case OpKind::equal:
      return equal(in(0), in(1));
    case OpKind::where:
      return where(in(0), in(1), in(2));
    case OpKind::max:
      return n.every ? max(in(0)) : max(in(0), n.axis, n.keepdims);
    case OpKind::min:
      return n.every ? min(in(0)) : min(in(0), n.axis, n.keepdims);
    case OpKind::argmax:
      return n.every ? argmax(in(0)) : argmax(in(0), n.axis, n.keepdims);
    case OpKind::argmin:
      return n.every ? argmin(in(0)) : argmin(in(0), n.axis, n.keepdims);
    case OpKind::logsumexp:
      return n.every ? logsumexp(in(0)) : logsumexp(in(0), n.axis, n.keepdims);
    case OpKind::var:
    case OpKind::std: {
      const Correction correction = n.c == 1 ? Correction::sample : Correction::population;
      const bool is_std = n.kind == OpKind::std;
      if (n.every)
        return is_std ? tapegrad::std(in(0), correction) : var(in(0), correction);
      return is_std ? tapegrad::std(in(0), n.axis, n.keepdims, correction)
                    : var(in(0), n.axis, n.keepdims, correction);
    }
    case OpKind::norm:
      return n.every ? norm(in(0)) : norm(in(0), n.axis, n.keepdims);
  }
  throw std::logic_error("unknown OpKind");
}

double max_abs(const Tensor<double>& t) {
  double m = 0;
  for (double v : t)
    m = std::max(m, std::abs(v));
  return m;
}
double min_value(const Tensor<double>& t) {
  double m = std::numeric_limits<double>::infinity();
  for (double v : t)
    m = std::min(m, v);
  return m;
}
double min_abs(const Tensor<double>& t) {
  double m = std::numeric_limits<double>::infinity();
  for (double v : t)
    m = std::min(m, std::abs(v));
  return m;
}

/// Whether a and b combine under numpy broadcasting (ranks ≤ 2).
bool broadcastable(const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < rank; ++i) {
    const std::size_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    const std::size_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      return false;
  }
  return true;
}

/// Whether a node of this kind is a constant of its inputs (a comparison's
/// mask, argmax's positions): it passes no gradient back.
bool constant_output(OpKind kind) {
  switch (kind) {
    case OpKind::greater:
    case OpKind::greater_equal:
    case OpKind::less:
    case OpKind::less_equal:
    case OpKind::equal:
    case OpKind::argmax:
    case OpKind::argmin:
      return true;
    default:
      return false;
  }
}

/// The slices a reduction of `v` (rank ≤ 2) reduces: every element, or
/// those along `axis`.
std::vector<std::vector<double>> slices_of(const Tensor<double>& v, bool every, int axis) {
  const Shape& s = v.shape();
  std::size_t outer = 1, length = v.size(), inner = 1;
  if (!every) {
    const int rank = static_cast<int>(s.size());
    const auto a = static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
    length = s[a];
    for (std::size_t k = 0; k < s.size(); ++k) {
      outer *= k < a ? s[k] : 1;
      inner *= k > a ? s[k] : 1;
    }
  }
  std::vector<std::vector<double>> slices;
  for (std::size_t o = 0; o < outer; ++o) {
    for (std::size_t i = 0; i < inner; ++i) {
      std::vector<double>& slice = slices.emplace_back();
      for (std::size_t k = 0; k < length; ++k)
        slice.push_back(v.data()[(o * length + k) * inner + i]);
    }
  }
  return slices;
}

/// How far each slice's largest (or smallest) element is ahead of the next,
/// at the least (inf when no slice has two elements).
double extreme_lead(const std::vector<std::vector<double>>& slices, bool largest) {
  double lead = std::numeric_limits<double>::infinity();
  for (std::vector<double> slice : slices) {
    if (slice.size() < 2)
      continue;
    std::sort(slice.begin(), slice.end());
    lead = std::min(
        lead, largest ? slice[slice.size() - 1] - slice[slice.size() - 2] : slice[1] - slice[0]);
  }
  return lead;
}

/// The smallest population standard deviation and norm of the slices, and
/// the shortest slice.
struct SliceSpread {
  double deviation = std::numeric_limits<double>::infinity();
  double norm = std::numeric_limits<double>::infinity();
  std::size_t length = std::numeric_limits<std::size_t>::max();
};
SliceSpread spread_of(const std::vector<std::vector<double>>& slices) {
  SliceSpread spread;
  for (const std::vector<double>& slice : slices) {
    double sum = 0, squares = 0;
    for (const double v : slice) {
      sum += v;
      squares += v * v;
    }
    const double n = static_cast<double>(slice.size());
    spread.deviation =
        std::min(spread.deviation, std::sqrt(std::max(squares / n - (sum / n) * (sum / n), 0.0)));
    spread.norm = std::min(spread.norm, std::sqrt(squares));
    spread.length = std::min(spread.length, slice.size());
  }
  return spread;
}

/// Grows a graph from a seed, evaluating it in float64 as it goes.
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) { graph_.seed = seed; }

  Graph run() {
    leaf(random_shape(), true);
    const std::size_t steps = 4 + below(24);
    for (std::size_t s = 0; s < steps; ++s)
      step();
    finish();
    return std::move(graph_);
  }

 private:
  // Our own draws from the raw 64-bit stream: the same on every platform.
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }
  double uniform(double low, double high) {
    return low + (high - low) * static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  }
  bool chance(double p) { return uniform(0, 1) < p; }
  // Rounded to float, so float32 and float64 recordings start from the same numbers.
  double representable(double v) { return static_cast<double>(static_cast<float>(v)); }

  /// A dimension: mostly 1…4 (tensors of ≤ 16 elements take the library's
  /// scalar code path), sometimes up to 9 (the vectorised xtensor path).
  std::size_t dim() { return chance(0.8) ? 1 + below(4) : 1 + below(9); }

  Shape random_shape() {
    const double r = uniform(0, 1);
    if (r < 0.1)
      return Shape{};
    if (r < 0.45)
      return Shape{dim()};
    return Shape{dim(), dim()};
  }

  const Tensor<double>& value(std::size_t id) const { return vars_[id].value(); }
  const Shape& shape(std::size_t id) const { return graph_.nodes[id].shape; }

  std::size_t add(NodeSpec n) {
    const bool dependent =
        !constant_output(n.kind) &&
        std::any_of(n.inputs.begin(), n.inputs.end(), [&](std::size_t i) { return depends_[i]; });
    const Var<double> v = apply_node(tape_, n, vars_, variables_);
    n.shape = v.shape();
    vars_.push_back(v);
    graph_.nodes.push_back(std::move(n));
    depends_.push_back(dependent || graph_.nodes.back().kind == OpKind::variable);
    const std::size_t id = graph_.nodes.size() - 1;
    // Keeps values moderate: a large op output is scaled down by a power of two.
    const double m = max_abs(value(id));
    const bool leaf = graph_.nodes.back().kind == OpKind::variable ||
                      graph_.nodes.back().kind == OpKind::constant;
    pickable_.push_back(!(m > 8 && !leaf));
    if (m > 8 && !leaf)
      return unary(OpKind::scale, id, std::exp2(-std::ceil(std::log2(m / 2))));
    return id;
  }

  std::size_t leaf(const Shape& shape, bool variable, double low = -1.5, double high = 1.5) {
    NodeSpec n;
    n.kind = variable ? OpKind::variable : OpKind::constant;
    n.value = Tensor<double>::from_shape(shape);
    for (double& v : n.value)
      v = representable(uniform(low, high));
    if (variable) {
      n.leaf_index = variables_.size();
      variables_.push_back(tape_.variable(n.value));
    }
    return add(std::move(n));
  }
  std::size_t new_leaf(const Shape& shape) { return leaf(shape, chance(0.7)); }

  std::size_t unary(OpKind kind, std::size_t x, double c = 0) {
    NodeSpec n;
    n.kind = kind;
    n.inputs = {x};
    n.c = c;
    return add(std::move(n));
  }
  std::size_t binary(OpKind kind, std::size_t a, std::size_t b) {
    NodeSpec n;
    n.kind = kind;
    n.inputs = {a, b};
    return add(std::move(n));
  }

  /// An existing node, recent ones more likely; never one too large to use
  /// (only its scaled-down copy is).
  std::size_t pick() {
    const std::size_t n = graph_.nodes.size();
    std::size_t id = n - 1 - std::min(below(n), below(n));
    while (!pickable_[id])
      ++id;  // its scaled copy follows it
    return id;
  }
  /// An existing node of rank `rank` (or a new leaf of a random such shape).
  std::size_t pick_rank(std::size_t rank) {
    for (int attempt = 0; attempt < 6; ++attempt) {
      const std::size_t id = pick();
      if (shape(id).size() == rank)
        return id;
    }
    Shape s = random_shape();
    while (s.size() != rank)
      s = random_shape();
    return new_leaf(s);
  }

  /// Values ≥ 0.05: x itself, or x² + c.
  std::size_t positive(std::size_t x) {
    if (min_value(value(x)) >= 0.05)
      return x;
    return unary(OpKind::shift, unary(OpKind::square, x), representable(uniform(0.1, 1)));
  }
  /// Values at least `margin` away from zero.
  /// x · Wᵀ (+ b) of linear's inputs {x, W[, b]}, by hand in float64.
  Tensor<double> pre_activations(const std::vector<std::size_t>& inputs) const {
    const Tensor<double>& x = value(inputs[0]);
    const Tensor<double>& w = value(inputs[1]);
    const std::size_t in = w.shape()[1], out = w.shape()[0], rows = x.size() / in;
    Tensor<double> z = Tensor<double>::from_shape({rows, out});
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t o = 0; o < out; ++o) {
        double total = inputs.size() == 3 ? value(inputs[2])(o) : 0.0;
        for (std::size_t i = 0; i < in; ++i)
          total += x.data()[r * in + i] * w(o, i);
        z(r, o) = total;
      }
    }
    return z;
  }

  std::size_t away_from_zero(std::size_t x, double margin) {
    if (min_abs(value(x)) >= margin)
      return x;
    return unary(OpKind::shift, unary(OpKind::square, x), representable(uniform(margin, 1)));
  }

  /// A shape that broadcasts with (and into) `s`.
  Shape smaller_shape(const Shape& s) {
    switch (below(4)) {
      case 0:
        return Shape{};
      case 1:
        if (!s.empty())
          return Shape{chance(0.5) ? s.back() : 1};
        return s;
      case 2: {
        Shape t = s;
        for (std::size_t& d : t) {
          if (chance(0.5))
            d = 1;
        }
        return t;
      }
      default:
        return s;
    }
  }

  void step() {
    switch (below(15)) {
      case 0:
      case 1:
      case 2:
        step_unary();
        break;
      case 3:
      case 4:
      case 5:
        step_binary();
        break;
      case 6:
        step_reduction();
        break;
      case 7:
        step_rowwise();
        break;
      case 8:
        step_product();
        break;
      case 9:
        step_shape();
        break;
      case 10:
        step_loss();
        break;
      case 11:
        step_indexing();
        break;
      case 12:
        step_elementwise();
        break;
      case 13:
        step_slice_reduction();
        break;
      default:
        step_binary();
        break;
    }
  }

  /// An axis of a rank-`rank` shape (≥ 1), written from the end half the time.
  int axis_of(std::size_t rank) {
    const int axis = static_cast<int>(below(rank));
    return chance(0.5) ? axis - static_cast<int>(rank) : axis;
  }
  /// Whole numbers in [0, limit) as a constant leaf of `shape`.
  std::size_t indices(const Shape& shape, std::size_t limit) {
    NodeSpec n;
    n.kind = OpKind::constant;
    n.value = Tensor<double>::from_shape(shape);
    for (double& v : n.value)
      v = static_cast<double>(below(limit));
    return add(std::move(n));
  }

  void step_indexing() {
    std::size_t x = pick();
    if (shape(x).empty())
      x = pick_rank(1 + below(2));
    const Shape s = shape(x);
    const std::size_t rank = s.size();
    NodeSpec n;
    n.inputs = {x};
    n.axis = axis_of(rank);
    const std::size_t a =
        static_cast<std::size_t>(n.axis < 0 ? n.axis + static_cast<int>(rank) : n.axis);
    const std::size_t length = s[a];
    const auto from_end = [&](std::int64_t p) {
      return chance(0.3) ? p - static_cast<std::int64_t>(length) : p;
    };
    switch (below(7)) {
      case 0: {  // slice: a non-empty part, maybe strided
        n.kind = OpKind::slice;
        const std::size_t start = below(length);
        n.start = from_end(static_cast<std::int64_t>(start));
        n.stop = static_cast<std::int64_t>(start + 1 + below(length - start));
        if (static_cast<std::size_t>(n.stop) < length)
          n.stop = from_end(n.stop);
        n.step = 1 + static_cast<std::int64_t>(below(2));
        break;
      }
      case 1:  // index
        n.kind = OpKind::index;
        n.start = from_end(static_cast<std::int64_t>(below(length)));
        break;
      case 2: {  // concat with itself or new leaves
        n.kind = OpKind::concat;
        for (std::size_t k = 1 + below(2); k > 0; --k) {
          Shape other = s;
          other[a] = dim();
          n.inputs.push_back(chance(0.3) ? x : new_leaf(other));
        }
        break;
      }
      case 3: {  // stack of rank ≤ 1, so that every node keeps rank ≤ 2
        n.kind = OpKind::stack;
        x = pick_rank(below(2));
        n.inputs = {x};
        for (std::size_t k = 1 + below(2); k > 0; --k)
          n.inputs.push_back(chance(0.3) ? x : new_leaf(shape(x)));
        n.axis = static_cast<int>(below(shape(x).size() + 1));
        break;
      }
      case 4: {  // gather with whole-number indices in range
        n.kind = OpKind::gather;
        Shape picks = s;
        picks[a] = 1 + below(3);
        n.inputs.push_back(indices(picks, length));
        break;
      }
      case 5: {  // embedding: rows of a matrix by ids of rank 0 or 1
        n.kind = OpKind::embedding;
        const std::size_t w = pick_rank(2);
        n.inputs = {w, indices(chance(0.3) ? Shape{} : Shape{1 + below(4)}, shape(w)[0])};
        break;
      }
      default: {  // permute
        n.kind = OpKind::permute;
        std::vector<std::size_t> axes(rank);
        for (std::size_t k = 0; k < rank; ++k)
          axes[k] = k;
        if (rank == 2 && chance(0.7))
          std::swap(axes[0], axes[1]);
        n.target = Shape(axes.begin(), axes.end());
        break;
      }
    }
    add(std::move(n));
  }

  /// The smallest |a − b| over a and b broadcast together.
  double min_gap(std::size_t a, std::size_t b) const {
    const Tensor<double> gap = xt::abs(value(a) - value(b));
    return min_value(gap);
  }
  /// Another node that broadcasts with `a`, or a new leaf that does.
  std::size_t partner(std::size_t a) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      const std::size_t candidate = pick();
      if (broadcastable(shape(a), shape(candidate)))
        return candidate;
    }
    return new_leaf(smaller_shape(shape(a)));
  }

  void step_elementwise() {
    std::size_t x = pick();
    switch (below(6)) {
      case 0: {  // smooth activations and functions
        static constexpr OpKind kinds[] = {OpKind::gelu, OpKind::silu, OpKind::softplus,
                                           OpKind::erf,  OpKind::atan, OpKind::expm1,
                                           OpKind::log1p};
        const OpKind kind = kinds[below(std::size(kinds))];
        if (kind == OpKind::expm1 && max_abs(value(x)) > 5)
          x = unary(OpKind::tanh, x);
        if (kind == OpKind::log1p && min_value(value(x)) < -0.9)
          x = positive(x);
        static constexpr double betas[] = {0.5, 1, 2};
        const double c = kind == OpKind::gelu       ? (chance(0.5) ? 1.0 : 0.0)
                         : kind == OpKind::softplus ? betas[below(3)]
                                                    : 0.0;
        unary(kind, x, c);
        return;
      }
      case 1:  // kinks at 0, out of finite differences' reach
        x = away_from_zero(x, 0.02);
        if (chance(0.5)) {
          unary(OpKind::leaky_relu, x, representable(uniform(0.01, 0.5)));
        } else {
          unary(OpKind::elu, x, representable(uniform(0.5, 2)));
        }
        return;
      case 2:  // clamp, its bounds in gaps between x's values
        for (int attempt = 0; attempt < 8; ++attempt) {
          NodeSpec n;
          n.kind = OpKind::clamp;
          n.inputs = {x};
          n.c = representable(uniform(-1.5, 0.5));
          n.hi = representable(n.c + uniform(0.1, 2));
          if (min_abs(value(x) - n.c) >= 0.02 && min_abs(value(x) - n.hi) >= 0.02) {
            add(std::move(n));
            return;
          }
        }
        unary(OpKind::tanh, x);
        return;
      case 3: {  // maximum and minimum of operands apart
        std::size_t b = partner(x);
        if (min_gap(x, b) < 0.02)
          b = new_leaf(smaller_shape(shape(x)));
        if (min_gap(x, b) < 0.02) {
          binary(OpKind::add, x, b);
          return;
        }
        if (chance(0.5))
          std::swap(x, b);
        binary(chance(0.5) ? OpKind::maximum : OpKind::minimum, x, b);
        return;
      }
      default: {  // a mask, from a comparison or a constant, selecting or weighting
        static constexpr OpKind comparisons[] = {OpKind::greater, OpKind::greater_equal,
                                                 OpKind::less, OpKind::less_equal, OpKind::equal};
        std::size_t mask = 0;
        if (chance(0.3)) {
          NodeSpec m;  // a constant mask that broadcasts to x
          m.kind = OpKind::constant;
          m.value = Tensor<double>::from_shape(smaller_shape(shape(x)));
          for (double& v : m.value)
            v = chance(0.5) ? 1 : 0;
          mask = add(std::move(m));
        } else {
          const OpKind kind = comparisons[below(std::size(comparisons))];
          // equal(x, x) is 1 everywhere and stays so; otherwise a threshold
          // in a gap between x's values.
          std::size_t t = x;
          if (kind != OpKind::equal || chance(0.5)) {
            t = leaf(Shape{}, false);
            if (min_gap(x, t) < 0.02)
              t = leaf(Shape{}, false);
            if (min_gap(x, t) < 0.02)
              t = x;
          }
          mask = binary(t == x ? OpKind::equal : kind, x, t);
        }
        const std::size_t other = partner(x);
        if (chance(0.6) && broadcastable(shape(mask), shape(other))) {
          NodeSpec n;
          n.kind = OpKind::where;
          n.inputs = chance(0.5) ? std::vector<std::size_t>{mask, x, other}
                                 : std::vector<std::size_t>{mask, other, x};
          add(std::move(n));
        } else {
          binary(OpKind::mul, mask, x);
        }
        return;
      }
    }
  }

  void step_slice_reduction() {
    const std::size_t x = pick();
    const std::size_t rank = shape(x).size();
    NodeSpec n;
    n.inputs = {x};
    n.every = rank == 0 || chance(0.3);
    if (!n.every) {
      n.axis = axis_of(rank);
      n.keepdims = chance(0.5);
    }
    const std::vector<std::vector<double>> slices = slices_of(value(x), n.every, n.axis);
    const SliceSpread spread = spread_of(slices);
    static constexpr OpKind kinds[] = {OpKind::max, OpKind::min, OpKind::argmax,    OpKind::argmin,
                                       OpKind::var, OpKind::std, OpKind::logsumexp, OpKind::norm};
    n.kind = kinds[below(std::size(kinds))];
    switch (n.kind) {
      case OpKind::max:
      case OpKind::min:
      case OpKind::argmax:
      case OpKind::argmin: {
        // The extreme well ahead, so that no perturbation changes which it is.
        const bool largest = n.kind == OpKind::max || n.kind == OpKind::argmax;
        if (extreme_lead(slices, largest) < 0.02)
          n.kind = OpKind::logsumexp;
        break;
      }
      case OpKind::var:
        n.c = spread.length >= 2 && chance(0.5) ? 1 : 0;
        break;
      case OpKind::std:
        // Away from std = 0, where its gradient divides by 0.
        n.c = spread.length >= 2 && chance(0.5) ? 1 : 0;
        if (spread.length < 2 || spread.deviation < 0.05)
          n.kind = OpKind::var;
        break;
      case OpKind::norm:
        if (spread.norm < 0.05)
          n.kind = OpKind::logsumexp;  // the norm's kink at 0
        break;
      default:
        break;
    }
    add(std::move(n));
  }

  void step_unary() {
    static constexpr OpKind kinds[] = {OpKind::neg,   OpKind::sigmoid, OpKind::tanh, OpKind::relu,
                                       OpKind::abs,   OpKind::sin,     OpKind::cos,  OpKind::square,
                                       OpKind::exp,   OpKind::log,     OpKind::sqrt, OpKind::pow,
                                       OpKind::scale, OpKind::shift};
    const OpKind kind = kinds[below(std::size(kinds))];
    std::size_t x = pick();
    switch (kind) {
      case OpKind::relu:
      case OpKind::abs:
        // Central differences across the kink would be meaningless.
        if (min_abs(value(x)) < 0.02)
          x = away_from_zero(x, 0.02);
        unary(kind, x);
        return;
      case OpKind::exp:
        if (max_abs(value(x)) > 5)
          x = unary(OpKind::tanh, x);
        unary(kind, x);
        return;
      case OpKind::log:
      case OpKind::sqrt:
        unary(kind, positive(x));
        return;
      case OpKind::pow: {
        static constexpr double exponents[] = {2, 3, -1, 0.5, 1.5, -0.5};
        const double p = exponents[below(std::size(exponents))];
        if (p != 2 && p != 3)
          x = positive(x);
        unary(kind, x, p);
        return;
      }
      case OpKind::scale:
        unary(kind, x, representable(uniform(-2, 2)));
        return;
      case OpKind::shift:
        unary(kind, x, representable(uniform(-1, 1)));
        return;
      default:
        unary(kind, x);
        return;
    }
  }

  void step_binary() {
    static constexpr OpKind kinds[] = {OpKind::add, OpKind::sub, OpKind::mul, OpKind::div};
    const OpKind kind = kinds[below(std::size(kinds))];
    std::size_t a = pick();
    std::size_t b = graph_.nodes.size();
    // Another existing node that broadcasts with a (possibly a itself: fan-out).
    for (int attempt = 0; attempt < 4 && b == graph_.nodes.size(); ++attempt) {
      const std::size_t candidate = pick();
      if (broadcastable(shape(a), shape(candidate)))
        b = candidate;
    }
    if (b == graph_.nodes.size())
      b = new_leaf(smaller_shape(shape(a)));
    if (chance(0.5))
      std::swap(a, b);
    if (kind == OpKind::div)
      b = away_from_zero(b, 0.25);
    binary(kind, a, b);
  }

  void step_reduction() {
    const std::size_t x = pick();
    const std::size_t rank = shape(x).size();
    if (rank == 0 || chance(0.2)) {
      unary(chance(0.5) ? OpKind::sum_all : OpKind::mean_all, x);
      return;
    }
    NodeSpec n;
    n.kind = chance(0.5) ? OpKind::sum_axis : OpKind::mean_axis;
    n.inputs = {x};
    n.axis = static_cast<int>(below(2 * rank)) - static_cast<int>(rank);
    n.keepdims = chance(0.5);
    add(std::move(n));
  }

  void step_rowwise() {
    std::size_t x = pick();
    if (shape(x).empty())
      x = pick_rank(1 + below(2));
    unary(chance(0.5) ? OpKind::softmax : OpKind::log_softmax, x);
  }

  void step_product() {
    switch (below(4)) {
      case 0: {  // matmul
        std::size_t a = pick();
        if (shape(a).empty())
          a = pick_rank(1 + below(2));
        const std::size_t k = shape(a).back();
        const Shape other = chance(0.4) ? Shape{k} : Shape{k, dim()};
        std::size_t b = new_leaf(other);
        if (shape(a).size() == 1 && other.size() == 2 && chance(0.5)) {
          // (n, k)·(k,) as well: swap roles through a transpose of the matrix.
          const std::size_t m = unary(OpKind::transpose, b);
          binary(OpKind::matmul, m, a);
          return;
        }
        binary(OpKind::matmul, a, b);
        return;
      }
      case 1: {  // linear, with or without bias
        std::size_t x = pick();
        if (shape(x).empty())
          x = pick_rank(1 + below(2));
        const std::size_t in = shape(x).back();
        const std::size_t out = dim();
        NodeSpec n;
        n.inputs = {x, leaf(Shape{out, in}, true)};
        n.kind = OpKind::linear;
        if (chance(0.5)) {
          n.kind = OpKind::linear_bias;
          n.inputs.push_back(new_leaf(Shape{out}));
        }
        if (chance(0.4) && min_abs(pre_activations(n.inputs)) >= 0.02)
          n.kind = OpKind::linear_relu;
        add(std::move(n));
        return;
      }
      case 2: {  // transpose
        unary(OpKind::transpose, pick());
        return;
      }
      default: {  // outer
        const std::size_t u = pick_rank(1);
        const std::size_t v = chance(0.5) ? pick_rank(1) : new_leaf(Shape{dim()});
        binary(OpKind::outer, u, v);
        return;
      }
    }
  }

  void step_shape() {
    const std::size_t x = pick();
    const Shape s = shape(x);
    std::size_t size = 1;
    for (std::size_t d : s)
      size *= d;
    NodeSpec n;
    n.inputs = {x};
    switch (below(3)) {
      case 0: {  // reshape to another factorisation of the same size
        n.kind = OpKind::reshape;
        std::vector<Shape> options = {Shape{size}, Shape{1, size}, Shape{size, 1}};
        if (size == 1)
          options.push_back(Shape{});
        for (std::size_t d = 2; d < size; ++d) {
          if (size % d == 0)
            options.push_back(Shape{d, size / d});
        }
        n.target = options[below(options.size())];
        break;
      }
      case 1: {  // broadcast_to a bigger shape
        n.kind = OpKind::broadcast_to;
        // Leading axes added (built whole: GCC 12 warns falsely on svector::insert).
        const std::size_t lead = 1 + below(3);
        Shape t = s.empty() ? Shape{lead, 1 + below(3)} : s.size() == 1 ? Shape{lead, s[0]} : s;
        for (std::size_t& d : t) {
          if (d == 1 && chance(0.5))
            d = dim();
        }
        n.target = t;
        break;
      }
      default:  // sum_to a shape that broadcasts to x's
        n.kind = OpKind::sum_to;
        n.target = smaller_shape(s);
        break;
    }
    add(std::move(n));
  }

  void step_loss() {
    std::size_t x = pick();
    if (chance(0.5)) {
      const std::size_t t = leaf(shape(x), false);
      binary(OpKind::mse, x, t);
      return;
    }
    if (shape(x).empty())
      x = pick_rank(1 + below(2));
    const Shape& s = shape(x);
    const std::size_t rows = s.size() == 2 ? s[0] : 1;
    const std::size_t classes = s.back();
    NodeSpec labels;
    labels.kind = OpKind::constant;
    labels.value = Tensor<double>::from_shape(s.size() == 2 ? Shape{rows} : Shape{1});
    for (double& v : labels.value)
      v = static_cast<double>(below(classes));
    const std::size_t l = add(std::move(labels));
    binary(OpKind::cross_entropy, x, l);
  }

  /// Sums the last node and one or two others (one of them depending on a
  /// variable) into the scalar output.
  void finish() {
    std::vector<std::size_t> terms = {graph_.nodes.size() - 1};
    const std::size_t extra = below(3);
    for (std::size_t i = 0; i < extra; ++i)
      terms.push_back(pick());
    if (std::none_of(terms.begin(), terms.end(), [&](std::size_t i) { return depends_[i]; })) {
      std::size_t id = graph_.nodes.size();
      while (id-- > 0) {
        if (depends_[id])
          break;
      }
      terms.push_back(id);
    }
    std::optional<std::size_t> total;
    for (std::size_t term : terms) {
      const std::size_t scalar =
          shape(term).empty() ? term
                              : unary(chance(0.7) ? OpKind::sum_all : OpKind::mean_all, term);
      total = total ? binary(OpKind::add, *total, scalar) : scalar;
    }
    if (*total + 1 != graph_.nodes.size())
      unary(OpKind::sum_all, *total);
  }

  std::mt19937_64 rng_;
  Graph graph_;
  Tape<double> tape_;
  std::vector<Var<double>> vars_;
  std::vector<Var<double>> variables_;
  std::vector<bool> depends_;
  std::vector<bool> pickable_;
};

}  // namespace

Graph generate(std::uint64_t seed) {
  return Generator(seed).run();
}

template <class T>
std::vector<Var<T>> record_graph(Tape<T>& tape, const Graph& graph,
                                 const std::vector<Var<T>>& variables) {
  std::vector<Var<T>> vars;
  vars.reserve(graph.nodes.size());
  for (const NodeSpec& n : graph.nodes)
    vars.push_back(apply_node(tape, n, vars, variables));
  return vars;
}

template std::vector<Var<float>> record_graph(Tape<float>&, const Graph&,
                                              const std::vector<Var<float>>&);
template std::vector<Var<double>> record_graph(Tape<double>&, const Graph&,
                                               const std::vector<Var<double>>&);

namespace {

/// Gradients of the graph's output w.r.t. every variable, in type T, as float64.
template <class T>
std::vector<Tensor<double>> tape_gradients(const Graph& graph, double& output) {
  Tape<T> tape;
  std::vector<Var<T>> variables;
  for (const Tensor<double>& v : graph.variables())
    variables.push_back(tape.variable(cast<T>(v)));
  const std::vector<Var<T>> vars = record_graph(tape, graph, variables);
  tape.backward(vars.back());
  output = static_cast<double>(vars.back().item());
  std::vector<Tensor<double>> grads;
  for (const Var<T>& v : variables) {
    const Tensor<T>& g = v.grad();
    Tensor<double> d = Tensor<double>::from_shape(g.shape());
    for (std::size_t i = 0; i < g.size(); ++i)
      d.data()[i] = static_cast<double>(g.data()[i]);
    grads.push_back(std::move(d));
  }
  return grads;
}

/// Equal element for element as numbers (NaN matching NaN): +0 and −0 count
/// as equal, since xtensor's vector and scalar loops may give either,
/// depending on where a buffer starts.
bool exactly_equal(const Tensor<double>& a, const Tensor<double>& b) {
  if (a.shape() != b.shape())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double x = a.data()[i], y = b.data()[i];
    if (!(x == y || (std::isnan(x) && std::isnan(y))))
      return false;
  }
  return true;
}

/// Tape::replay at shifted variables against a fresh recording at them:
/// every node's value and every variable's gradient, exactly. The shift
/// (≤ 3e-3) is far inside the margins generate() keeps from domains and kinks.
CheckResult check_replay(const Graph& graph) {
  CheckResult result;
  std::vector<Tensor<double>> shifted = graph.variables();
  for (std::size_t k = 0; k < shifted.size(); ++k) {
    for (double& e : shifted[k])
      e += 1e-3 * static_cast<double>(1 + k % 3);
  }
  Tape<double> replayed;
  std::vector<Var<double>> variables;
  for (const Tensor<double>& v : graph.variables())
    variables.push_back(replayed.variable(v));
  const std::vector<Var<double>> nodes = record_graph(replayed, graph, variables);
  replayed.backward(nodes.back());  // as a training loop would, before replaying
  std::vector<LeafValue<double>> values;
  for (std::size_t k = 0; k < variables.size(); ++k)
    values.push_back({variables[k], shifted[k]});
  replayed.replay(values);
  replayed.backward(nodes.back());

  Tape<double> fresh;
  std::vector<Var<double>> fresh_variables;
  for (const Tensor<double>& v : shifted)
    fresh_variables.push_back(fresh.variable(v));
  const std::vector<Var<double>> fresh_nodes = record_graph(fresh, graph, fresh_variables);
  fresh.backward(fresh_nodes.back());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!exactly_equal(nodes[i].value(), fresh_nodes[i].value())) {
      result.ok = false;
      result.failure = fmt::format("replayed value of node {} ({}) differs from a fresh recording",
                                   i, op_name(graph.nodes[i].kind));
      return result;
    }
  }
  for (std::size_t k = 0; k < variables.size(); ++k) {
    if (!exactly_equal(variables[k].grad(), fresh_variables[k].grad())) {
      result.ok = false;
      result.failure =
          fmt::format("gradient of variable {} after replay differs from a fresh recording", k);
      return result;
    }
  }
  return result;
}

}  // namespace

CheckResult check(const Graph& graph) {
  CheckResult result;
  // float64 against central differences.
  GradcheckOptions options;
  options.eps = 1e-6;
  options.atol = 1e-5;
  options.rtol = 1e-4;
  const GradcheckResult fd = gradcheck(
      [&](Tape<double>& tape, const std::vector<Var<double>>& inputs) {
        return record_graph(tape, graph, inputs).back();
      },
      graph.variables(), options);
  if (!fd.ok) {
    result.ok = false;
    result.failure = "float64 gradient against finite differences: " + fd.report();
    return result;
  }
  // float32 against float64 (the leaves are float-representable, so both
  // start from the same numbers). An element passes when
  // |g32 − g64| ≤ rtol·(|g64| + max|g64| of the same input) + atol: near a
  // cancellation the error is relative to the gradient's scale, not to the
  // element.
  constexpr double rtol = 2e-3;
  constexpr double atol = 1e-5;  // values are O(1) by construction: a floor for exact zeros
  double y64 = 0;
  double y32 = 0;
  const std::vector<Tensor<double>> g64 = tape_gradients<double>(graph, y64);
  const std::vector<Tensor<double>> g32 = tape_gradients<float>(graph, y32);
  if (!(std::abs(y32 - y64) <= rtol * (std::abs(y64) + 1))) {
    result.ok = false;
    result.failure = fmt::format("float32 output {} against float64 {}", y32, y64);
    return result;
  }
  for (std::size_t input = 0; input < g64.size(); ++input) {
    const double scale = max_abs(g64[input]);
    for (std::size_t i = 0; i < g64[input].size(); ++i) {
      const double a = g32[input].data()[i];
      const double b = g64[input].data()[i];
      if (!(std::abs(a - b) <= rtol * (std::abs(b) + scale) + atol)) {
        result.ok = false;
        result.failure = fmt::format(
            "float32 gradient of variable {} element {}: {} against float64 {}", input, i, a, b);
        return result;
      }
    }
  }
  return check_replay(graph);
}

}  // namespace tapegrad::reliability
