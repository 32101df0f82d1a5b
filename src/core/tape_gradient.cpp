// Tape::gradient(): ∂output/∂x as Vars, either recorded (create_graph: each
// op's differentiable_backprop() extends the tape, symbol-to-symbol) or
// computed by the numeric sweep and returned as constants.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/sweep_observer.hpp"
#include "tapegrad/core/gradient_graph.hpp"
#include "tapegrad/core/tape.hpp"

namespace tapegrad {

namespace {

std::string name_of(const std::string& label, NodeId id) {
  return label.empty() ? "node " + std::to_string(id) : label;
}

/// Throws unless every x is a live node of `tape` that tracks a gradient.
template <class T>
void require_gradients(const Tape<T>& tape, Span<Var<T>> wrt) {
  for (const Var<T>& x : wrt) {
    tape.check(x, "gradient");
    const Node<T>& n = tape.node(x.id());
    if (!n.requires_grad) {
      throw GradientError("gradient with respect to " + name_of(n.label, x.id()) +
                              ", which does not require a gradient (a constant, or recorded "
                              "under NoGradScope)",
                          {"gradient", x.id(), n.label});
    }
  }
}

}  // namespace

template <class T>
Var<T> Tape<T>::var(NodeId id) {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "var");
  node(id);  // throws when there is no such node
  return handle(id);
}

template <class T>
std::vector<Var<T>> Tape<T>::gradient(Var<T> output, Span<Var<T>> wrt,
                                      const GradientOptions& options) {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "gradient");
  check(output, "gradient");
  check_replayed("gradient");
  const DerivedLeaves derived(*this);
  const Node<T>& out = nodes_[output.id()];
  if (out.value().size() != 1) {
    throw GradientError("gradient() without a seed needs a one-element output, got shape " +
                            shape_to_string(out.shape()) +
                            "; pass a seed of that shape for a vector-Jacobian product",
                        {"gradient", output.id(), out.label});
  }
  Tensor<T> ones(out.shape(), T(1));
  if (!options.create_graph)
    return numeric_gradient(output, wrt, ones);
  return recorded_gradient(output, wrt, constant(std::move(ones), "seed"));
}

template <class T>
std::vector<Var<T>> Tape<T>::gradient(Var<T> output, Span<Var<T>> wrt, Var<T> seed,
                                      const GradientOptions& options) {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "gradient");
  check(output, "gradient");
  check_replayed("gradient");
  const DerivedLeaves derived(*this);
  check(seed, "gradient");
  const Node<T>& out = nodes_[output.id()];
  if (seed.shape() != out.shape()) {
    throw GradientError("seed of shape " + shape_to_string(seed.shape()) +
                            " does not match the output's shape " + shape_to_string(out.shape()),
                        {"gradient", output.id(), out.label});
  }
  if (!options.create_graph)
    return numeric_gradient(output, wrt, seed.value());
  return recorded_gradient(output, wrt, seed);
}

template <class T>
std::vector<Var<T>> Tape<T>::numeric_gradient(Var<T> output, Span<Var<T>> wrt,
                                              const Tensor<T>& seed) {
  require_gradients(*this, wrt);
  check_watches("gradient");
  // Its own sweep, which keeps parameters' gradients in it: backward()'s
  // gradients and the parameters stay as they were.
  Sweep<T>& s = gradient_sweep_;
  const bool reachable = nodes_[output.id()].requires_grad;
  s.start(nodes_, reachable ? std::size_t{output.id()} + 1 : 0, ParameterRule::keep_in_sweep);
  if (reachable) {
    xt::noalias(s.slot(output.id()).tensor) = seed;
    std::optional<detail::AnomalyObserver<T>> anomaly;
    if (detect_anomaly_)
      anomaly.emplace(nodes_, s);
    sweep(s, output.id(), anomaly ? &*anomaly : nullptr, false);
  }
  std::vector<Var<T>> results;
  for (const Var<T>& x : wrt) {
    const Node<T>& n = nodes_[x.id()];
    results.push_back(
        constant(s.reached(x.id()) ? s.gradient(x.id()) : Tensor<T>(n.shape(), T(0))));
  }
  return results;
}

template <class T>
std::vector<Var<T>> Tape<T>::recorded_gradient(Var<T> output, Span<Var<T>> wrt, Var<T> seed) {
  require_gradients(*this, wrt);
  check_watches("gradient");
  const NodeId top = output.id();
  std::vector<Var<T>> gradients(top + 1);
  if (nodes_[top].requires_grad) {
    gradients[top] = seed;
    // New nodes are appended above `top`, so the walk never meets them.
    for (std::size_t i = top + 1; i-- > 0;) {
      const Node<T>& n = nodes_[i];
      if (!gradients[i].valid() || n.is_leaf() || !n.requires_grad)
        continue;
      const Span<NodeId> ids = inputs(static_cast<NodeId>(i));
      DifferentiableBackpropContext<T> ctx(*this, static_cast<NodeId>(i),
                                           std::vector<NodeId>(ids.begin(), ids.end()), gradients);
      n.op->differentiable_backprop(ctx);
    }
  }
  std::vector<Var<T>> results;
  for (const Var<T>& x : wrt) {
    if (x.id() <= top && gradients[x.id()].valid()) {
      results.push_back(gradients[x.id()]);
    } else {
      results.push_back(constant(Tensor<T>(nodes_[x.id()].shape(), T(0))));
    }
  }
  return results;
}

// The class itself is instantiated in tape.cpp; here only these members.
#define TAPEGRAD_INSTANTIATE_GRADIENT(T)                                                          \
  template Var<T> Tape<T>::var(NodeId);                                                           \
  template std::vector<Var<T>> Tape<T>::gradient(Var<T>, Span<Var<T>>, const GradientOptions&);   \
  template std::vector<Var<T>> Tape<T>::gradient(Var<T>, Span<Var<T>>, Var<T>,                    \
                                                 const GradientOptions&);                         \
  template std::vector<Var<T>> Tape<T>::numeric_gradient(Var<T>, Span<Var<T>>, const Tensor<T>&); \
  template std::vector<Var<T>> Tape<T>::recorded_gradient(Var<T>, Span<Var<T>>, Var<T>);
TAPEGRAD_INSTANTIATE_GRADIENT(float)
TAPEGRAD_INSTANTIATE_GRADIENT(double)
#undef TAPEGRAD_INSTANTIATE_GRADIENT

}  // namespace tapegrad
