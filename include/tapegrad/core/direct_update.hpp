#pragma once
// Direct updates: the optimiser's step written by backprop itself.
//
// When the gradient_ready listener's whole handling of a parameter is
// θ ← θ + s·∇θ (plain SGD, s = −α: GradientReadyListener::direct_update_scale),
// the gradient need not be stored at all: the op that computes it can add
// s × its contribution straight into θ (a GEMM with alpha = s, beta = 1 into
// the weights) — no gradient buffer, no second pass over the weights. That is
// sound only when that op's contribution is the parameter's whole gradient and
// nothing reads θ after the op has written it, so a watch is updated directly
// only when
//   * the parameter is watched once on the tape and that watch has one reader,
//   * the reader's op accepts it (Operation::accepts_direct_update(i); it then
//     finishes reading the input before writing it),
//   * the parameter holds no gradient yet (nothing to keep), and
//   * the sweep is not traced or checked for anomalies (those look at every
//     gradient).
// The sweep then hands the reader a `direct` GradSlot (sweep.hpp) and
// BackpropContext::direct_scale(i) = s, and does not report the parameter to
// the listener. Results equal backward() + step() up to rounding (the GEMM
// may apply s to partial sums).
//
// This header is the planning step; the tape includes it, ops need only
// GradSlot::direct and direct_scale().

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "tapegrad/core/gradient_ready.hpp"
#include "tapegrad/core/node_store.hpp"
#include "tapegrad/core/operation.hpp"
#include "tapegrad/core/sweep.hpp"

namespace tapegrad::detail {

/// Plans a sweep's direct updates; its buffers are kept between sweeps.
template <class T>
class DirectUpdatePlanner {
 public:
  /// Marks in `sweep` the watches among `watched` that get a
  /// direct update when the sweep starts from `output`.
  void plan(const NodeStore<T>& nodes, const NodeId* edges, NodeId output,
            const std::vector<NodeId>& watched, const GradientReadyListener<T>& listener,
            Sweep<T>& sweep) {
    // Watches of a parameter watched once, in reach, holding no gradient.
    by_parameter_.clear();
    for (const NodeId id : watched)
      by_parameter_.push_back({nodes[id].parameter, id});
    std::sort(by_parameter_.begin(), by_parameter_.end(), [](const Watch& a, const Watch& b) {
      return std::less<>()(a.parameter, b.parameter);
    });
    candidates_.clear();
    for (std::size_t k = 0; k < by_parameter_.size(); ++k) {
      const Watch& w = by_parameter_[k];
      const bool once =
          (k == 0 || by_parameter_[k - 1].parameter != w.parameter) &&
          (k + 1 == by_parameter_.size() || by_parameter_[k + 1].parameter != w.parameter);
      if (once && w.id <= output && w.parameter->grad_is_zero())
        candidates_.push_back(w.id);
    }
    std::sort(candidates_.begin(), candidates_.end());
    if (candidates_.empty())
      return;
    // Their readers: only nodes after a leaf can read it.
    readers_.assign(candidates_.size(), {});
    for (NodeId i = candidates_.front() + 1; i <= output; ++i) {
      const Node<T>& n = nodes[i];
      for (std::uint32_t k = 0; k < n.input_count; ++k) {
        const NodeId input = edges[n.first_input + k];
        const auto found = std::lower_bound(candidates_.begin(), candidates_.end(), input);
        if (found != candidates_.end() && *found == input) {
          Reader& r = readers_[static_cast<std::size_t>(found - candidates_.begin())];
          r = {r.count + 1, i, k};
        }
      }
    }
    for (std::size_t c = 0; c < candidates_.size(); ++c) {
      const Reader& r = readers_[c];
      if (r.count != 1 || !nodes[r.node].op->accepts_direct_update(r.position))
        continue;
      const Parameter<T>& parameter = *nodes[candidates_[c]].parameter;
      if (const std::optional<T> scale = listener.direct_update_scale(parameter))
        sweep.update_directly(candidates_[c], *scale);
    }
  }

 private:
  struct Watch {
    const Parameter<T>* parameter;
    NodeId id;
  };
  struct Reader {
    std::uint32_t count = 0;
    NodeId node = 0;
    std::uint32_t position = 0;  // among the reader's inputs
  };
  std::vector<Watch> by_parameter_;
  std::vector<NodeId> candidates_;
  std::vector<Reader> readers_;
};

}  // namespace tapegrad::detail
