#pragma once
// When a backward sweep reports each watched parameter to its gradient_ready
// listener. Every op that reads a leaf comes after it, so a parameter's
// gradient is final once the sweep has passed its earliest watch on the tape
// — whichever of its watches the sweep actually reaches, which is only known
// as it goes. So the reports are planned per parameter (its earliest watch
// and all its watches) and made as the sweep passes each earliest watch, for
// the parameters at least one path reached.
//
// A parameter whose update its reader wrote directly (direct_update.hpp) has
// nothing left to report.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "tapegrad/core/gradient_ready.hpp"
#include "tapegrad/core/node_store.hpp"
#include "tapegrad/core/sweep.hpp"

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

  /// Reports the parameters whose earliest watch is at or above `position`:
  /// call it before the sweep handles node `position` (and with 0 at the end).
  void report_down_to(NodeId position, const Sweep<T>& sweep, GradientReadyListener<T>& listener) {
    while (next_ < groups_.size() && groups_[next_].earliest >= position) {
      const Group& group = groups_[next_++];
      for (std::size_t k = group.begin; k < group.end; ++k) {
        const NodeId watch = watches_[k].id;
        if (sweep.reached(watch)) {
          if (!sweep.updates_directly(watch))  // else its reader applied the update
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
  std::vector<Watch> watches_;
  std::vector<Group> groups_;  // by earliest watch, descending
  std::size_t next_ = 0;
};

}  // namespace tapegrad::detail
