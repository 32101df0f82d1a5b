#pragma once
// When a backward sweep reports each watched parameter to its gradient_ready
// listener. Every op that reads a leaf comes after it, so a parameter's
// gradient is final once the sweep has passed its earliest watch on the tape
// — whichever of its watches the sweep actually reaches, which is only known
// as it goes. So the reports are planned per parameter (its earliest watch
// and all its watches) and made as the sweep passes each earliest watch, for
// the parameters at least one path reached.
//
// A parameter can also skip its report: when the listener's update is plain
// θ ← θ + s·∇θ, the parameter has one watch, that watch one reader, and the
// reader's op accepts a direct update for it, the reader's backprop writes
// the update straight into the value (GradSlot::direct) and nothing is left
// to report.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "tapegrad/core/gradient_ready.hpp"
#include "tapegrad/core/node_store.hpp"

namespace tapegrad::detail {

template <class T>
class ParameterReports {
 public:
  /// Plans one sweep's reports from the tape's watched leaves. The buffers
  /// are kept, so planning the same tape again allocates nothing.
  void plan(const NodeStore<T>& nodes, const std::vector<NodeId>& watched) {
    watches_.clear();
    for (const NodeId id : watched)
      watches_.push_back({nodes[id].parameter, id});
    // By parameter, then by id (std::less: pointers of unrelated objects).
    std::sort(watches_.begin(), watches_.end(), [](const Watch& a, const Watch& b) {
      return a.parameter != b.parameter ? std::less<>()(a.parameter, b.parameter) : a.id < b.id;
    });
    groups_.clear();
    for (std::size_t begin = 0; begin < watches_.size();) {
      std::size_t end = begin + 1;
      while (end < watches_.size() && watches_[end].parameter == watches_[begin].parameter)
        ++end;
      groups_.push_back({watches_[begin].id, begin, end});
      begin = end;
    }
    std::sort(groups_.begin(), groups_.end(),
              [](const Group& a, const Group& b) { return a.earliest > b.earliest; });
    next_ = 0;
  }

  /// Marks the watches whose update goes straight into the value in sweep
  /// `sweep` (see above). Call after plan(); `edges` are the tape's.
  void plan_direct_updates(NodeStore<T>& nodes, const NodeId* edges, NodeId output,
                           std::uint32_t sweep, const GradientReadyListener<T>& listener) {
    candidates_.clear();
    for (const Group& group : groups_) {
      const Watch& watch = watches_[group.begin];
      if (group.end - group.begin != 1 || watch.id > output || !watch.parameter->grad_is_zero())
        continue;  // several watches, out of reach, or a gradient to keep
      if (const std::optional<T> scale = listener.direct_update_scale(*watch.parameter))
        candidates_.push_back({watch.id, *scale});
    }
    if (candidates_.empty())
      return;
    std::sort(candidates_.begin(), candidates_.end(),
              [](const Candidate& a, const Candidate& b) { return a.id < b.id; });
    // Who reads each candidate: only nodes after it can.
    for (NodeId i = candidates_.front().id + 1; i <= output; ++i) {
      const Node<T>& n = nodes[i];
      for (std::uint32_t k = 0; k < n.input_count; ++k) {
        const NodeId input = edges[n.first_input + k];
        const auto found =
            std::lower_bound(candidates_.begin(), candidates_.end(), input,
                             [](const Candidate& c, NodeId id) { return c.id < id; });
        if (found != candidates_.end() && found->id == input) {
          ++found->readers;
          found->reader = i;
          found->position = k;
        }
      }
    }
    for (const Candidate& c : candidates_) {
      if (c.readers == 1 && nodes[c.reader].op->accepts_direct_update(c.position)) {
        nodes[c.id].direct_sweep = sweep;
        nodes[c.id].parameter->set_direct_update_scale(c.scale);
      }
    }
  }

  /// Reports the parameters whose earliest watch is at or above `position`:
  /// call it before the sweep handles node `position` (and with 0 at the end).
  void report_down_to(NodeId position, const NodeStore<T>& nodes, std::uint32_t sweep,
                      GradientReadyListener<T>& listener) {
    while (next_ < groups_.size() && groups_[next_].earliest >= position) {
      const Group& group = groups_[next_++];
      for (std::size_t k = group.begin; k < group.end; ++k) {
        const Node<T>& watch = nodes[watches_[k].id];
        if (watch.grad_sweep == sweep) {
          if (watch.direct_sweep != sweep)  // else its reader applied the update
            listener.gradient_ready(*watches_[k].parameter);
          break;
        }
      }
    }
  }

 private:
  struct Watch {
    Parameter<T>* parameter;
    NodeId id;
  };
  struct Group {
    NodeId earliest;         // the parameter's lowest watch id
    std::size_t begin, end;  // its watches in watches_
  };
  struct Candidate {
    NodeId id;  // the parameter's only watch
    T scale;
    std::uint32_t readers = 0;
    NodeId reader = 0;
    std::uint32_t position = 0;  // among the reader's inputs
  };
  std::vector<Watch> watches_;
  std::vector<Candidate> candidates_;
  std::vector<Group> groups_;  // by earliest watch, descending
  std::size_t next_ = 0;
};

}  // namespace tapegrad::detail
