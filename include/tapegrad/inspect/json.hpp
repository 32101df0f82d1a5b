#pragma once
// A TapeRecord as a JSON file, to inspect a tape later or elsewhere (the
// `tapegrad-inspect` tool reads these). The layout carries a format version;
// loading validates every field and throws FileError naming the file and
// what is wrong, whatever the file holds. Loading streams the text into the
// record (no JSON document is built, a field the layout lacks is refused at
// its key), so memory is the record plus a small buffer.

#include <filesystem>
#include <string>
#include <string_view>

#include "tapegrad/export.hpp"
#include "tapegrad/inspect/tape_record.hpp"

namespace tapegrad::inspect {

/// The record as JSON text (UTF-8; invalid UTF-8 in labels is replaced).
TAPEGRAD_EXPORT std::string to_json(const TapeRecord& record);
/// Writes to_json(record) to `path`; throws FileError when it cannot.
TAPEGRAD_EXPORT void save_json(const TapeRecord& record, const std::filesystem::path& path);

/// Parses and validates JSON text; `source` names it in error messages.
TAPEGRAD_EXPORT TapeRecord from_json_text(std::string_view text,
                                          std::string_view source = "JSON text");
/// Reads and validates a file written by save_json().
TAPEGRAD_EXPORT TapeRecord load_json(const std::filesystem::path& path);

}  // namespace tapegrad::inspect
