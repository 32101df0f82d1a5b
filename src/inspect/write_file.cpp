#include "inspect/write_file.hpp"

#include <fstream>
#include <string>

#include "tapegrad/core/error.hpp"

namespace tapegrad::inspect::detail {

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream file(path, std::ios::binary);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  file.close();  // a full disk shows only when the buffer is flushed
  if (!file)
    throw FileError(path.string() + ": cannot write the file");
}

}  // namespace tapegrad::inspect::detail
