#pragma once
// The tape as a table: one row per node with its op, label, inputs, shape,
// dtype, whether it needs a gradient, its value and (after backward) its
// gradient and that gradient's norm. Long tapes are summarised.

#include <cstddef>
#include <string>

#include "tapegrad/export.hpp"
#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect {

struct TableOptions {
  /// Print every node, however long the tape.
  bool full = false;
  /// A tape of more than `summarise_above` nodes (and not `full`) shows its
  /// first `head` and last `tail` rows, an elision line and node counts by op.
  std::size_t head = 10;
  std::size_t tail = 10;
  std::size_t summarise_above = 40;
};

/// The aligned table, ending in a newline.
TAPEGRAD_EXPORT std::string format_table(const TapeRecord& record,
                                         const TableOptions& options = {});

}  // namespace tapegrad::inspect
