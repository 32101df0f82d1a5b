#pragma once
// Equality of records, field by field (doubles compare exactly, NaN equal to
// NaN): a record saved to JSON and loaded back compares equal to the original.

#include "tapegrad/export.hpp"
#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect {

TAPEGRAD_EXPORT bool operator==(const TensorSummary& a, const TensorSummary& b);
TAPEGRAD_EXPORT bool operator==(const NodeRecord& a, const NodeRecord& b);
TAPEGRAD_EXPORT bool operator==(const TapeRecord& a, const TapeRecord& b);
inline bool operator!=(const TensorSummary& a, const TensorSummary& b) {
  return !(a == b);
}
inline bool operator!=(const NodeRecord& a, const NodeRecord& b) {
  return !(a == b);
}
inline bool operator!=(const TapeRecord& a, const TapeRecord& b) {
  return !(a == b);
}

}  // namespace tapegrad::inspect
