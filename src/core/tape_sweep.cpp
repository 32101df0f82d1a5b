// The reverse sweep: backward() and what it needs.

#include <exception>
#include <new>
#include <string>

#include "core/nonfinite.hpp"
#include "core/parameter_reports.hpp"
#include "core/sweep_observer.hpp"
#include "tapegrad/core/direct_update.hpp"
#include "tapegrad/core/tape.hpp"

namespace tapegrad {

template <class T>
void Tape<T>::backward(Var<T> output, const BackwardOptions& options) {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "backward");
  GradientReadyListener<T>* const listener = gradient_listener(options, output.id());
  Node<T>& out = backward_output(output, "backward");
  if (out.value().size() != 1) {
    throw GradientError("backward() without a seed needs a one-element output, got shape " +
                            shape_to_string(out.shape()) +
                            "; pass a seed tensor of that shape for a vector-Jacobian product",
                        {"backward", output.id(), out.label});
  }
  backward_sweep_.start(nodes_, std::size_t{output.id()} + 1, ParameterRule::accumulate);
  backward_sweep_.slot(output.id()).add(0, T(1));
  run_backward(output.id(), options, listener);
}

template <class T>
void Tape<T>::backward_seeded(Var<T> output, const Tensor<T>& seed,
                              const BackwardOptions& options) {
  const detail::ExclusiveUse::NestingScope in_use(in_use_, "backward");
  GradientReadyListener<T>* const listener = gradient_listener(options, output.id());
  Node<T>& out = backward_output(output, "backward");
  if (seed.shape() != out.shape()) {
    throw GradientError("seed of shape " + shape_to_string(seed.shape()) +
                            " does not match the output's shape " + shape_to_string(out.shape()),
                        {"backward", output.id(), out.label});
  }
  if (detect_anomaly_) {
    if (const detail::NonfiniteCount bad = detail::count_nonfinite(seed)) {
      throw AnomalyError("the seed holds " + bad.describe(seed.size()),
                         {"backward", output.id(), out.label});
    }
  }
  backward_sweep_.start(nodes_, std::size_t{output.id()} + 1, ParameterRule::accumulate);
  const GradSlot<T> slot = backward_sweep_.slot(output.id());
  if (slot.fresh) {
    xt::noalias(slot.tensor) = seed;
  } else {
    xt::noalias(slot.tensor) += seed;
  }
  run_backward(output.id(), options, listener);
}

template <class T>
Node<T>& Tape<T>::backward_output(Var<T> output, std::string_view caller) {
  check(output, caller);
  check_replayed(caller);
  Node<T>& out = nodes_[output.id()];
  if (!out.requires_grad) {
    throw GradientError(
        "the output does not depend on any variable or watched parameter (or was recorded "
        "under NoGradScope), so it has no gradient",
        {std::string(caller), output.id(), out.label});
  }
  check_watches(caller);  // every parameter the sweep may touch
  return out;
}

template <class T>
void Tape<T>::run_backward(NodeId output, const BackwardOptions& options,
                           GradientReadyListener<T>* listener) {
  last_output_ = output;
  detail::Observers<T> observers;
  std::optional<detail::TraceObserver<T>> trace;
  std::optional<detail::AnomalyObserver<T>> anomaly;
  std::optional<detail::ReadyObserver<T>> ready;
  if (detect_anomaly_)
    observers.add(anomaly.emplace(nodes_, backward_sweep_));
  if (options.trace)
    observers.add(trace.emplace(*options.trace, nodes_, backward_sweep_, output));
  if (listener) {
    if (!reports_) {
      reports_ = std::make_unique<detail::ParameterReports<T>>();
      direct_updates_ = std::make_unique<detail::DirectUpdatePlanner<T>>();
    }
    reports_->plan(nodes_, watched_leaves_);
    if (observers.empty()) {  // a traced or checked sweep looks at every gradient
      direct_updates_->plan(nodes_, edges_.data(), output, watched_leaves_, *listener,
                            backward_sweep_);
    }
    observers.add(ready.emplace(*reports_, backward_sweep_, *listener));
  }
  sweep(backward_sweep_, output, observers.empty() ? nullptr : &observers, options.release_saved);
}

template <class T>
void Tape<T>::sweep(Sweep<T>& sweep, NodeId output, detail::SweepObserver<T>* observer,
                    bool release_saved) {
  const bool capture = observer && observer->wants_contributions();
  const bool plain = !observer && !release_saved;
  std::size_t end = std::size_t{output} + 1;  // nodes [0, end) are still to sweep
  try {
    while (end > 0) {
      if (plain && (end = sweep.sweep_flat(nodes_, edges_.data(), edges_.partials(), end)) == 0)
        break;
      const NodeId id = static_cast<NodeId>(--end);
      if (observer)
        observer->arriving(id);
      Node<T>& n = nodes_[id];
      if (n.is_leaf() || !sweep.reached(id))
        continue;
      if (n.released) {
        throw StateReleasedError(
            "backward through a node whose saved state an earlier backward(release_saved = true) "
            "freed; record the forward pass again, or keep the state",
            {std::string(n.op->name()), id, n.label});
      }
      const NodeId* inputs = edges_.data() + n.first_input;
      if (capture)
        sweep.capture(inputs, n.input_count);
      if (n.flat) {
        sweep.backprop_flat(n, id, inputs, edges_.partials() + n.first_input);
      } else {
        BackpropContext<T> ctx(nodes_, id, inputs, sweep);
        n.op->backprop(ctx);
      }
      if (capture)
        observer->swept(id, sweep.release_captures());
      if (release_saved) {
        n.data->saved = {};
        n.saved_count = 0;
        n.released = true;
      }
    }
  } catch (const Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    // As record() does for forward: say which node's backprop failed. The
    // tape is unchanged; the next backward starts a fresh sweep.
    const Node<T>& n = nodes_[end];
    throw Error(
        std::string("backprop failed: ") + e.what(),
        {std::string(n.is_leaf() ? "backward" : n.op->name()), static_cast<NodeId>(end), n.label});
  }
}

template <class T>
GradientReadyListener<T>* Tape<T>::gradient_listener(const BackwardOptions& options,
                                                     NodeId output) const {
  detail::AnyGradientReadyListener* const any = options.gradient_ready;
  if (!any)
    return nullptr;
  if (any->dtype() != detail::dtype_name<T>()) {
    throw ValueError("the gradient_ready listener takes " + std::string(any->dtype()) +
                         " parameters but this tape records " +
                         std::string(detail::dtype_name<T>()),
                     {"backward", output, {}});
  }
  return static_cast<GradientReadyListener<T>*>(any);
}

// The class itself is instantiated in tape.cpp (once per program); here only
// the members this file defines.
#define TAPEGRAD_INSTANTIATE_SWEEP(T)                                                             \
  template void Tape<T>::backward(Var<T>, const BackwardOptions&);                                \
  template void Tape<T>::backward_seeded(Var<T>, const Tensor<T>&, const BackwardOptions&);       \
  template Node<T>& Tape<T>::backward_output(Var<T>, std::string_view);                           \
  template void Tape<T>::run_backward(NodeId, const BackwardOptions&, GradientReadyListener<T>*); \
  template void Tape<T>::sweep(Sweep<T>&, NodeId, detail::SweepObserver<T>*, bool);               \
  template GradientReadyListener<T>* Tape<T>::gradient_listener(const BackwardOptions&, NodeId)   \
      const;

TAPEGRAD_INSTANTIATE_SWEEP(float)
TAPEGRAD_INSTANTIATE_SWEEP(double)
#undef TAPEGRAD_INSTANTIATE_SWEEP

}  // namespace tapegrad
