#pragma once
// What every built-in op file uses: registration under a name for both value
// types, the tape a free function records on, and rank/shape checks that
// raise tapegrad errors naming the op, the shapes and the node.

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/tape_record_flat.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/core/gradient_graph.hpp"
#include "tapegrad/core/op_traits.hpp"
#include "tapegrad/core/registry.hpp"
#include "tapegrad/core/tape.hpp"

namespace tapegrad::ops {

/// Whether a kernel argument is a Var (the recorded, differentiable backprop)
/// rather than a number or an xtensor expression (the numeric one).
template <class X>
inline constexpr bool is_var_v = false;
template <class T>
inline constexpr bool is_var_v<Var<T>> = true;

/// Registers a built-in op for float and double (origin "tapegrad"); its
/// name, arity, formula and attributes come from its traits (op_traits.hpp).
template <template <class> class Op>
bool register_builtin() {
  const OpRegistration<Op> registration("tapegrad");
  return true;
}

/// The tape `x` lives on; an empty or stale Var is an error naming the op.
template <class T>
Tape<T>& tape_of(const Var<T>& x, std::string_view op) {
  return x.live_tape(op);
}

/// The one instance of a stateless op with a scalar kernel, shared by every
/// tape. Constant-initialised, so no guard is tested on each use (which a
/// function-local static costs the scalar hot path).
template <class Op>
constinit const Op stateless_instance{};

/// Records the shared stateless instance of `Op` on x's tape; on scalars
/// through the fast path (core/tape_record_flat.hpp) when Op has a kernel.
template <class Op, class T, class... Rest>
Var<T> record_stateless(Var<T> x, Rest... rest) {
  if constexpr (detail::inlines_scalar_kernel_v<Op, T>) {
    return detail::FlatRecorder<T>::record(stateless_instance<Op>, x, rest...);
  } else {
    static const Op op;  // some ops' constructors are not constexpr
    return tape_of(x, Op::kName).record(op, {x, rest...});
  }
}

/// Records a new `Op(args...)` (an op carrying attributes) on x's tape.
template <class Op, class T, class... Args>
Var<T> record_with(std::initializer_list<Var<T>> inputs, Args&&... args) {
  const Var<T>& first = *inputs.begin();
  if (!first.live())
    tape_of(first, Op::kName);  // throws, naming the op
  return first.tape()->template apply<Op>(inputs, std::forward<Args>(args)...);
}

/// Reads a required attribute, or throws ValueError naming the op.
inline double required_attribute(const Attributes& a, std::string_view op, std::string_view name) {
  const double* value = a.find(name);
  if (!value) {
    throw ValueError("missing attribute '" + std::string(name) + "'",
                     {std::string(op), std::nullopt, {}});
  }
  return *value;
}

/// Throws ShapeError unless input i's rank is one of `ranks`.
template <class T>
void require_rank(const detail::NodeView<T>& ctx, std::size_t i,
                  std::initializer_list<std::size_t> ranks, std::string_view what) {
  const std::size_t rank = ctx.input(i).dimension();
  for (std::size_t r : ranks) {
    if (r == rank)
      return;
  }
  throw ShapeError(std::string(what) + ", got shape " + shape_to_string(ctx.input(i).shape()),
                   ctx.site());
}

}  // namespace tapegrad::ops
