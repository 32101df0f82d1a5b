#pragma once
// Writes the files of the inspection outputs (JSON, HTML): all or a FileError.

#include <filesystem>
#include <string_view>

namespace tapegrad::inspect::detail {

/// Writes `text` to `path` (replacing it); throws FileError naming the path.
void write_file(const std::filesystem::path& path, std::string_view text);

}  // namespace tapegrad::inspect::detail
