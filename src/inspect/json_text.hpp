#pragma once
// The JSON text of a record with a chosen indentation: to_json() writes files
// to be read (indent 1), the HTML page embeds it compact (-1), a third less.

#include <string>

#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect::detail {

/// `indent` as nlohmann::json::dump's: -1 is one line, no spaces.
std::string json_text(const TapeRecord& record, int indent);

}  // namespace tapegrad::inspect::detail
