#pragma once
// Whole-file reads and writes for the data and checkpoint readers, reporting
// every problem as a FileError that names the file.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tapegrad/core/error.hpp"
#include "tapegrad/tensor/span.hpp"
#include "tapegrad/tensor/tensor.hpp"

namespace tapegrad::nn::io {

/// Throws FileError "<name>: <problem>" raised by `op` ("idx", "csv", …).
[[noreturn]] void file_error(std::string_view op, std::string_view name, std::string_view problem);

/// The file's bytes; FileError when it is missing or unreadable.
std::vector<std::uint8_t> read_file(const std::string& path, std::string_view op);

/// Writes `bytes` to `path` through a temporary file renamed into place, so a
/// failure never leaves a half-written file under the final name.
void write_file(const std::string& path, Span<std::uint8_t> bytes, std::string_view op);

/// Whether `bytes` start with the gzip magic number.
bool is_gzip(Span<std::uint8_t> bytes) noexcept;

/// The decompressed contents of a gzip stream. Memory grows only with data
/// actually inflated (deflate expands at most ~1032:1), and a corrupt,
/// truncated or trailing-garbage stream is a FileError.
std::vector<std::uint8_t> gunzip(Span<std::uint8_t> bytes, std::string_view op,
                                 std::string_view name);

/// Whether a tensor of `shape` can exist: the product of its non-zero
/// extents, in bytes, fits a signed 64-bit offset. A zero extent makes the
/// element count 0, but xtensor still multiplies the other extents into
/// strides, so a header like (0, 2³², 2³²) must be refused too.
inline bool extents_fit(const Shape& shape, std::size_t element_bytes) {
  std::uint64_t product = element_bytes;
  constexpr std::uint64_t kLimit = static_cast<std::uint64_t>(INT64_MAX);
  for (const std::size_t extent : shape) {
    if (extent == 0)
      continue;
    if (product > kLimit / extent)
      return false;
    product *= extent;
  }
  return true;
}

}  // namespace tapegrad::nn::io
