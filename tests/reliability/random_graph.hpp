#pragma once
// Random-graph differential testing: from a 64-bit seed, a random well-shaped
// graph of built-in ops ending in a scalar. The graph is a plain list of node
// specs (independent of the value type), so the same graph can be recorded in
// float64 (against finite differences) and in float32 (against float64).
//
// Generation evaluates the graph in float64 as it grows and uses the values to
// keep every op inside its domain: log and sqrt only see values ≥ 0.05, a
// divisor is at least 0.25 away from zero, exp only sees |x| ≤ 5, and relu and
// abs (and linear_relu's pre-activations) only see inputs at least 0.02
// away from their kink, so central
// differences are meaningful everywhere. Index tensors (gather, embedding,
// cross_entropy's labels) are constant leaves of whole numbers in range. The
// same holds for the kinks of leaky_relu, elu, clamp, maximum/minimum and the
// comparisons (operands and bounds at least 0.02 apart), of max/min and
// argmax/argmin (the extreme 0.02 ahead of the next), of norm (≥ 0.05) and
// std (a spread ≥ 0.05).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace tapegrad::reliability {

enum class OpKind {
  variable,  // a leaf whose gradient is checked
  constant,  // a leaf without gradient
  neg,
  sigmoid,
  tanh,
  relu,
  abs,
  sin,
  cos,
  square,
  exp,
  log,
  sqrt,
  pow,    // exponent c
  scale,  // factor c
  shift,  // offset c
  add,
  sub,
  mul,
  div,
  sum_all,
  mean_all,
  sum_axis,   // axis, keepdims
  mean_axis,  // axis, keepdims
  softmax,
  log_softmax,
  matmul,
  linear,       // 2 inputs (x, W)
  linear_bias,  // 3 inputs (x, W, b)
  linear_relu,  // 2 or 3 inputs (x, W[, b]); pre-activations ≥ 0.02 from 0
  transpose,
  outer,
  reshape,       // to shape
  broadcast_to,  // to shape
  sum_to,        // to shape
  mse,
  cross_entropy,  // logits, labels (a constant)
  slice,          // axis, start, stop, step
  index,          // axis, start (the position)
  concat,         // axis; any number of inputs
  stack,          // axis; inputs of one shape, rank ≤ 1
  gather,         // axis; x, index (a constant)
  embedding,      // weight, ids (a constant)
  permute,        // target holds the axes
  leaky_relu,     // slope c
  elu,            // alpha c
  gelu,           // c 1: the tanh approximation
  silu,
  softplus,  // beta c
  log1p,
  expm1,
  erf,
  atan,
  clamp,    // lo c, hi
  maximum,  // broadcasting
  minimum,
  greater,  // a constant 0/1 mask, as the comparisons below
  greater_equal,
  less,
  less_equal,
  equal,
  where,  // mask (a constant), a, b
  max,    // every element, or axis and keepdims; as the reductions below
  min,
  argmax,  // a constant of whole numbers
  argmin,
  logsumexp,
  var,  // correction c
  std,  // correction c
  norm,
};

const char* op_name(OpKind kind);

struct NodeSpec {
  OpKind kind = OpKind::variable;
  std::vector<std::size_t> inputs;  // ids of earlier nodes
  double c = 0;                     // pow exponent, scale factor, shift offset
  int axis = 0;
  bool keepdims = false;
  std::int64_t start = 0;      // slice start, index position
  std::int64_t stop = 0;       // slice
  std::int64_t step = 1;       // slice
  double hi = 0;               // clamp's upper bound
  bool every = false;          // max … norm: over every element (axis unused)
  Shape target;                // reshape / broadcast_to / sum_to; permute's axes
  Shape shape;                 // the output's shape
  Tensor<double> value;        // leaves only
  std::size_t leaf_index = 0;  // variables: position among the gradcheck inputs
};

struct Graph {
  std::uint64_t seed = 0;
  std::vector<NodeSpec> nodes;  // nodes.back() is the scalar output
  /// The value of every variable leaf, in leaf_index order.
  std::vector<Tensor<double>> variables() const;
  /// One line per node: id, op, attributes, input ids, shape.
  std::string text() const;
};

/// The graph for `seed` (deterministic on every platform).
Graph generate(std::uint64_t seed);

/// Records `graph` on `tape` with the variable leaves given by `variables`
/// (in leaf_index order) and constants cast to T; returns every node's Var.
template <class T>
std::vector<Var<T>> record_graph(Tape<T>& tape, const Graph& graph,
                                 const std::vector<Var<T>>& variables);

struct CheckResult {
  bool ok = true;
  std::string failure;  // what failed, when !ok
};

/// Runs every check on one graph: float64 gradient against central finite
/// differences, float32 gradient against float64, and Tape::replay at new
/// variable values against a fresh recording at them (exactly).
CheckResult check(const Graph& graph);

}  // namespace tapegrad::reliability
