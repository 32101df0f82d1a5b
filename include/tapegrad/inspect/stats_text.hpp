#pragma once
// A cost ledger as text: totals, a per-op breakdown and the bytes held.

#include <string>

#include "tapegrad/core/tape_stats.hpp"
#include "tapegrad/export.hpp"

namespace tapegrad::inspect {

TAPEGRAD_EXPORT std::string format_stats(const TapeStats& stats);

}  // namespace tapegrad::inspect
