#pragma once
// The one hook through which a reverse sweep is watched. The backprop trace,
// anomaly mode and gradient-ready reports are observers; the plain sweep has
// none and pays a null test per node.

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "core/nonfinite.hpp"
#include "core/parameter_reports.hpp"
#include "tapegrad/core/backprop_trace.hpp"
#include "tapegrad/core/error.hpp"
#include "tapegrad/core/gradient_ready.hpp"
#include "tapegrad/core/node_store.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/sweep.hpp"

namespace tapegrad::detail {

template <class T>
class SweepObserver {
 public:
  virtual ~SweepObserver() = default;
  /// Before the sweep considers node `id`: every id from the output down to
  /// 0, reached or not.
  virtual void arriving(NodeId id) { (void)id; }
  /// Whether swept() needs each backprop's contributions apart (the sweep
  /// then captures them, which is slow).
  virtual bool wants_contributions() const { return false; }
  /// After node `id`'s backprop, with what it sent each input.
  virtual void swept(NodeId id, const std::vector<Contribution<T>>& contributions) {
    (void)id;
    (void)contributions;
  }
};

/// Up to three observers as one.
template <class T>
class Observers final : public SweepObserver<T> {
 public:
  void add(SweepObserver<T>& observer) { list_[count_++] = &observer; }
  bool empty() const noexcept { return count_ == 0; }

  void arriving(NodeId id) override {
    for (std::size_t k = 0; k < count_; ++k)
      list_[k]->arriving(id);
  }
  bool wants_contributions() const override {
    for (std::size_t k = 0; k < count_; ++k) {
      if (list_[k]->wants_contributions())
        return true;
    }
    return false;
  }
  void swept(NodeId id, const std::vector<Contribution<T>>& contributions) override {
    for (std::size_t k = 0; k < count_; ++k)
      list_[k]->swept(id, contributions);
  }

 private:
  std::array<SweepObserver<T>*, 3> list_{};
  std::size_t count_ = 0;
};

template <class T>
TraceTensor to_trace(const Tensor<T>& tensor) {
  TraceTensor out;
  out.shape.assign(tensor.shape().begin(), tensor.shape().end());
  out.values.assign(tensor.data(), tensor.data() + tensor.size());
  return out;
}

/// backward(y, {.trace}): fills a BackpropTrace step by step.
template <class T>
class TraceObserver final : public SweepObserver<T> {
 public:
  TraceObserver(BackpropTrace& trace, const NodeStore<T>& nodes, const Sweep<T>& sweep,
                NodeId output)
      : trace_(trace), nodes_(nodes), sweep_(sweep) {
    trace.output = output;
    trace.seed = to_trace(sweep.gradient(output));
    trace.steps.clear();
  }

  bool wants_contributions() const override { return true; }
  void swept(NodeId id, const std::vector<Contribution<T>>& contributions) override {
    const Node<T>& n = nodes_[id];
    TraceStep step;
    step.node = id;
    step.op = n.op->name();
    step.label = n.label;
    step.grad_output = to_trace(sweep_.gradient(id));
    for (const Contribution<T>& c : contributions)
      step.contributions.push_back({c.position, c.input, to_trace(c.gradient)});
    trace_.steps.push_back(std::move(step));
  }

 private:
  BackpropTrace& trace_;
  const NodeStore<T>& nodes_;
  const Sweep<T>& sweep_;
};

/// Anomaly mode: the first non-finite contribution throws AnomalyError.
template <class T>
class AnomalyObserver final : public SweepObserver<T> {
 public:
  AnomalyObserver(const NodeStore<T>& nodes, const Sweep<T>& sweep)
      : nodes_(nodes), sweep_(sweep) {}

  bool wants_contributions() const override { return true; }
  void swept(NodeId id, const std::vector<Contribution<T>>& contributions) override {
    for (const Contribution<T>& c : contributions) {
      const NonfiniteCount bad = count_nonfinite(c.gradient);
      if (!bad)
        continue;
      const Node<T>& n = nodes_[id];
      const Node<T>& input = nodes_[c.input];
      const bool g_finite = !count_nonfinite(sweep_.gradient(id));
      throw AnomalyError(
          "backprop sent a gradient holding " + bad.describe(c.gradient.size()) + " to input " +
              std::to_string(c.position) + " (node " + std::to_string(c.input) +
              (input.label.empty() ? "" : " '" + input.label.str() + "'") + ", shape " +
              shape_to_string(input.shape()) + "); the gradient arriving here (g) was " +
              (g_finite ? "finite" : "already non-finite"),
          {std::string(n.op->name()), id, n.label});
    }
  }

 private:
  const NodeStore<T>& nodes_;
  const Sweep<T>& sweep_;
};

/// backward(y, {.gradient_ready}): reports each parameter once its gradient
/// is final (parameter_reports.hpp).
template <class T>
class ReadyObserver final : public SweepObserver<T> {
 public:
  ReadyObserver(ParameterReports<T>& reports, const Sweep<T>& sweep,
                GradientReadyListener<T>& listener)
      : reports_(reports), sweep_(sweep), listener_(listener) {}

  void arriving(NodeId id) override { reports_.report_down_to(id, sweep_, listener_); }

 private:
  ParameterReports<T>& reports_;
  const Sweep<T>& sweep_;
  GradientReadyListener<T>& listener_;
};

}  // namespace tapegrad::detail
