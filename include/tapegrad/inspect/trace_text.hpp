#pragma once
// A backprop trace as text: one block per reverse step, showing the gradient
// g arriving at the node and what the node's backprop sent to each input.

#include <string>

#include "tapegrad/core/backprop_trace.hpp"
#include "tapegrad/export.hpp"
#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect {

/// `record` (optional) names the inputs by label.
TAPEGRAD_EXPORT std::string format_trace(const BackpropTrace& trace,
                                         const TapeRecord* record = nullptr);

}  // namespace tapegrad::inspect
