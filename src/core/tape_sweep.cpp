// The reverse sweep: backward() and what it needs.

#include <string>

#include "core/nonfinite.hpp"
#include "core/observed_backprop.hpp"
#include "core/parameter_reports.hpp"
#include "tapegrad/core/tape.hpp"

namespace tapegrad {

template <class T>
void Tape<T>::backward(Var<T> output, const BackwardOptions& options) {
  gradient_listener(options, output.id());
  Node<T>& out = start_backward(output);
  if (out.value().size() != 1) {
    throw GradientError("backward() without a seed needs a one-element output, got shape " +
                            shape_to_string(out.shape()) +
                            "; pass a seed tensor of that shape for a vector-Jacobian product",
                        {"backward", output.id(), out.label});
  }
  GradSlot<T> slot = grad_slot(out, sweep_);
  *slot.tensor.data() = slot.fresh ? T(1) : *slot.tensor.data() + T(1);
  sweep(output, options);
}

template <class T>
void Tape<T>::backward_seeded(Var<T> output, const Tensor<T>& seed,
                              const BackwardOptions& options) {
  gradient_listener(options, output.id());
  Node<T>& out = start_backward(output);
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
  GradSlot<T> slot = grad_slot(out, sweep_);
  if (slot.fresh) {
    xt::noalias(slot.tensor) = seed;
  } else {
    xt::noalias(slot.tensor) += seed;
  }
  sweep(output, options);
}

template <class T>
Node<T>& Tape<T>::start_backward(Var<T> output) {
  check(output, "backward");
  Node<T>& out = nodes_[output.id()];
  if (!out.requires_grad) {
    throw GradientError(
        "the output does not depend on any variable or watched parameter (or was recorded "
        "under NoGradScope), so it has no gradient",
        {"backward", output.id(), out.label});
  }
  last_output_ = output.id();
  advance_sweep();
  return out;
}

template <class T>
void Tape<T>::sweep(Var<T> output, const BackwardOptions& options, bool into_parameters) {
  BackpropTrace* const trace = options.trace;
  if (trace) {
    trace->output = output.id();
    trace->seed = detail::to_trace(nodes_[output.id()].grad());
    trace->steps.clear();
  }
  const bool observed = trace != nullptr || detect_anomaly_;
  GradientReadyListener<T>* const listener =
      into_parameters ? gradient_listener(options, output.id()) : nullptr;
  if (listener) {
    if (!reports_)
      reports_ = std::make_unique<detail::ParameterReports<T>>();
    reports_->plan(nodes_, watched_leaves_);
    // (A traced or checked sweep looks at every gradient: keep them.)
    if (!observed)
      reports_->plan_direct_updates(nodes_, edges_.data(), output.id(), sweep_, *listener);
  }
  for (std::size_t i = output.id() + 1; i-- > 0;) {
    if (listener)
      reports_->report_down_to(static_cast<NodeId>(i), nodes_, sweep_, *listener);
    Node<T>& n = nodes_[i];
    if (n.grad_sweep != sweep_ || n.is_leaf())
      continue;
    if (n.released) {
      throw StateReleasedError(
          "backward through a node whose saved state an earlier backward(release_saved = true) "
          "freed; record the forward pass again, or keep the state",
          {std::string(n.op->name()), static_cast<NodeId>(i), n.label});
    }
    const NodeId id = static_cast<NodeId>(i);
    const NodeId* inputs = edges_.data() + n.first_input;
    if (observed) {
      detail::observed_backprop(nodes_, id, inputs, {sweep_, into_parameters}, trace,
                                detect_anomaly_);
    } else {
      BackpropContext<T> ctx(nodes_, id, inputs, sweep_, into_parameters);
      n.op->backprop(ctx);
    }
    if (options.release_saved) {
      n.saved.clear();
      n.saved.shrink_to_fit();
      n.saved_count = 0;
      n.released = true;
    }
  }
}

template <class T>
void Tape<T>::advance_sweep() {
  if (++sweep_ == 0) {  // the counter wrapped: forget every old sweep once
    for (std::size_t i = 0; i < nodes_.capacity(); ++i) {
      nodes_[i].grad_sweep = 0;
      nodes_[i].direct_sweep = 0;
    }
    sweep_ = 1;
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
#define TAPEGRAD_INSTANTIATE_SWEEP(T)                                                           \
  template void Tape<T>::backward(Var<T>, const BackwardOptions&);                              \
  template void Tape<T>::backward_seeded(Var<T>, const Tensor<T>&, const BackwardOptions&);     \
  template Node<T>& Tape<T>::start_backward(Var<T>);                                            \
  template void Tape<T>::advance_sweep();                                                       \
  template void Tape<T>::sweep(Var<T>, const BackwardOptions&, bool);                           \
  template GradientReadyListener<T>* Tape<T>::gradient_listener(const BackwardOptions&, NodeId) \
      const;

TAPEGRAD_INSTANTIATE_SWEEP(float)
TAPEGRAD_INSTANTIATE_SWEEP(double)
#undef TAPEGRAD_INSTANTIATE_SWEEP

}  // namespace tapegrad
